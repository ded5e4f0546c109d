"""Signed-in people against a live server: a test client for pages, cookies for their sockets."""
import time

import websocket

from tests.conftest import AuthActions
from tests.support import factories


class Person:
    def __init__(self, server, name, guest=False):
        self.server, self.app = server, server.app
        self.client = self.app.test_client()
        if guest:
            token = AuthActions(self.client).token("/guest")
            assert self.client.post("/guest", data={"csrf_token": token, "display_name": name.title(),
                                                    "timezone": "UTC"}).status_code == 302
            return
        with self.app.app_context():
            self.user = factories.make_user(f"{name}{time.monotonic_ns() % 10**9}", display_name=name.title())
            self.id, self.username = self.user.id, self.user.username
        AuthActions(self.client).login(self.user.username)

    @property
    def cookie(self) -> str:
        return "; ".join(f"{cookie.key}={cookie.value}" for cookie in self.client._cookies.values())

    def tab(self, server=None, origin=None, query="") -> websocket.WebSocket:
        server = server or self.server
        return websocket.create_connection(f"{server.ws_url}/live/me{query}", cookie=self.cookie, timeout=5,
                                           origin=origin or server.url)


def receive(ws, seconds=4.0) -> str:
    ws.settimeout(seconds)
    return ws.recv()




def nothing_arrives(ws, seconds=0.5) -> bool:
    ws.settimeout(seconds)
    try:
        ws.recv()
    except websocket.WebSocketTimeoutException:
        return True
    return False
