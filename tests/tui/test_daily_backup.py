"""The app takes its daily backup in a worker thread, without holding up the first frame."""

from dualrole.storage.backup import list_backups
from dualrole.storage.db import open_store
from dualrole.tui.app import DualroleApp


async def test_daily_backup_runs_in_a_worker_once_a_day(db_path):
    with open_store(db_path) as store:
        app = DualroleApp(store)
        async with app.run_test(size=(100, 30)) as pilot:
            app.run_daily_backup()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.run_daily_backup()  # a second run the same day adds nothing
            await app.workers.wait_for_complete()
        backups = list_backups(store)
    assert len(backups) == 1
    assert "daily" in backups[0].name
    assert backups[0].stat().st_mode & 0o777 == 0o600
