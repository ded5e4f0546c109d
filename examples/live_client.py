"""Run a focus room from a script: python examples/live_client.py http://localhost:5000 fr_yourtoken
Creates a room, prints its code (open /r/<CODE> in a browser to join), starts when someone joins,
and follows the room until the session completes. Needs only websocket-client."""
import json
import sys

import websocket

base, token = sys.argv[1].rstrip("/"), sys.argv[2]
ws = websocket.create_connection(base.replace("http", "ws", 1) + "/api/v1/live",
                                 subprotocols=["focusroom.v1", token])


def send(event, **data):
    ws.send(json.dumps({"event": event, "data": data}))


send("create_session", name="Scripted sprint", work_minutes=25, rounds=1)
while True:
    message = json.loads(ws.recv())
    event, data = message["event"], message["data"]
    if event == "session_created":
        print(f"Room {data['room_code']}: open {base}/r/{data['room_code']} to join")
    elif event == "participant_joined":
        print(f"{data['participant']['name']} joined; starting")
        send("start_session")
    elif event == "time_update":
        print(f"\r{data['phase']:<12} {int(data['remaining_seconds']):>5} s left", end="", flush=True)
    elif event in ("phase_changed", "participant_status_updated", "error"):
        print(f"\n{event}: {json.dumps(data)[:120]}")
    elif event == "session_completed":
        print("\nDone:", {p["name"]: p["figures"].get("focus_score") for p in data["participants"]})
        break
ws.close()
