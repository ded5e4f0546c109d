"""Browser-test helpers shared by every feature."""
import re

# Chrome logs every 4xx document as "Failed to load resource"; forms answer 401/422 on purpose.
_EXPECTED_STATUS = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


def collect_console_errors(page) -> list[str]:
    """Script errors and CSP violations seen by the page (expected 4xx answers excluded)."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error" and not _EXPECTED_STATUS.search(message.text):
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
