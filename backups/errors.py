"""What goes wrong in a backup, a restore or a check, said without data."""

NOTHING_RESTORED = "Nothing was restored"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why, without data."""
