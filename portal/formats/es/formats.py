# Cómo escribe el portal fechas y horas en español.
DATETIME_FORMAT = r"l j \d\e F, H:i"
SHORT_DATETIME_FORMAT = r"D j \d\e M, H:i"
DATE_FORMAT = r"j \d\e F \d\e Y"
SHORT_DATE_FORMAT = r"D j \d\e M"
MONTH_DAY_FORMAT = r"j \d\e M"
TIME_FORMAT = "H:i"
