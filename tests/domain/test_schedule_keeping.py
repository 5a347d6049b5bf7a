from desktop_app.domain.networks import Network
from desktop_app.domain.schedule_keeping import kept_by_this_computer


def test_x_and_bluesky_schedules_are_kept_by_this_computer_the_others_by_the_platform() -> None:
    every = [Network.X, Network.FACEBOOK, Network.BLUESKY, Network.MASTODON, Network.X]
    assert kept_by_this_computer(every) == [Network.X, Network.BLUESKY]
    assert kept_by_this_computer([Network.WORDPRESS, Network.MASTODON]) == []
