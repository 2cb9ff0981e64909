#!/usr/bin/env python3
"""A stand-in for Slack's Web API on loopback, for trying ChatBackup without a workspace.

Answers chat.postMessage / chat.update / chat.postEphemeral and response URLs like Slack does
and prints each message as a person would read it.
"""
import itertools
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counter = itertools.count(100)


def visible(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                out.append(value)
            else:
                visible(value, out)
    elif isinstance(node, list):
        for item in node:
            visible(item, out)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)) or 0)
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = {}
        method = self.path.rsplit("/", 1)[-1]
        ts = f"{int(time.time())}.{next(counter):06d}"
        lines = []
        visible(payload.get("blocks", []), lines)
        where = payload.get("channel", "")
        if payload.get("thread_ts"):
            where += f" thread {payload['thread_ts']}" + (" (also sent to channel)" if payload.get("reply_broadcast") else "")
        if method == "chat.update":
            where += f" message {payload.get('ts')}"
        print(f"\n--- {method} {where}".rstrip(), flush=True)
        print("    " + "\n    ".join(" ".join(l.split()) for l in lines if l.strip()) if lines else "    " + str(payload.get("text", "")), flush=True)
        answer = {"ok": True, "channel": payload.get("channel", "C0LOCAL"), "ts": payload.get("ts", ts), "message_ts": ts}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
