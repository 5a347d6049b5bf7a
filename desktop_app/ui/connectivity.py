"""Online or offline, without ever blocking the GUI thread.

Qt's QNetworkInformation asks the operating system (NetworkManager, Windows' Network List
Manager, ...) and reports changes. Where no backend exists, a background check every few seconds
asks the routing table whether any route leaves the machine: a UDP ``connect`` sends no packet,
it only fails at once when there is no route. The check runs on the window's worker lane.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInformation

from desktop_app.ui.tasks import TaskRunner

FALLBACK_INTERVAL_MS = 15_000
# TEST-NET-1 (RFC 5737): never answers, so asking for a route to it reveals only the route.
PROBE_ADDRESS = ("192.0.2.1", 9)


def has_outside_route() -> bool:
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(PROBE_ADDRESS)
        return True
    except OSError:
        return False
    finally:
        probe.close()


class ConnectivityMonitor(QObject):
    """Tells whether the machine looks online.

    Signals:
        online_changed(bool): the answer changed (also sent once at start).
    """

    online_changed = Signal(bool)

    def __init__(
        self,
        runner: TaskRunner,
        parent: QObject | None = None,
        use_system: bool = True,
        probe: Callable[[], bool] = has_outside_route,
        interval_ms: int = FALLBACK_INTERVAL_MS,
    ) -> None:
        """``probe`` (run on ``runner``'s worker lane every ``interval_ms``) answers whether the
        machine looks online when the system cannot tell."""
        super().__init__(parent)
        self._runner = runner
        self._online: bool | None = None
        self._probe_online = probe
        self._timer: QTimer | None = None
        information = self._system_information() if use_system else None
        if information is not None:
            information.reachabilityChanged.connect(self._on_reachability)
            QTimer.singleShot(0, lambda: self._on_reachability(information.reachability()))
        else:
            self._timer = QTimer(self)
            self._timer.setInterval(interval_ms)
            self._timer.timeout.connect(self._probe)
            self._timer.start()
            QTimer.singleShot(0, self._probe)

    @property
    def online(self) -> bool | None:
        return self._online

    @property
    def uses_system_backend(self) -> bool:
        return self._timer is None

    def close(self) -> None:
        """Stop asking (a check already running ends with the runner's worker lane)."""
        if self._timer is not None:
            self._timer.stop()

    @staticmethod
    def _system_information() -> QNetworkInformation | None:
        if not QNetworkInformation.availableBackends():
            return None
        feature = QNetworkInformation.Feature.Reachability
        if not QNetworkInformation.loadBackendByFeatures(feature):
            return None
        information = QNetworkInformation.instance()
        if information is None or not information.supports(feature):
            return None
        return information

    @Slot(QNetworkInformation.Reachability)
    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Unknown:
            # The backend cannot tell; ask the routing table once instead.
            self._runner.run(self, self._probe_online, self._set_online)
            return
        self._set_online(reachability == QNetworkInformation.Reachability.Online)

    @Slot()
    def _probe(self) -> None:
        if self._timer is None or not self._timer.isActive() or self._runner.is_closed:
            return
        self._runner.run(self, self._probe_online, self._set_online)

    @Slot(bool)
    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)
