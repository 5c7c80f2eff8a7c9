# How the portal writes dates and times in English: day first, with the weekday, as families read them.
DATETIME_FORMAT = "l j F, g:i A"
SHORT_DATETIME_FORMAT = "D j M, g:i A"
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "D j M"
MONTH_DAY_FORMAT = "j M"
TIME_FORMAT = "g:i A"
