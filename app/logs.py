"""The service's log lines: one format, the level of our own loggers from the settings."""

import logging


def configure_logging(level: str) -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("userimport").setLevel(level.upper())
