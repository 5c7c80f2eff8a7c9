"""A file-based e-mail backend as slow as a real mail server (PORTAL_TEST_MAIL_DELAY seconds a message), so that a
test can kill a worker while it is still sending."""

import os
import time

from django.core.mail.backends.filebased import EmailBackend as FileBackend


class EmailBackend(FileBackend):
    def write_message(self, message):
        time.sleep(float(os.environ.get("PORTAL_TEST_MAIL_DELAY", "0.05")))
        super().write_message(message)
