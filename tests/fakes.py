"""Local fake servers that speak real HTTP on 127.0.0.1: the Telegram Bot API and the Zalo OA API.

Each runs a small FastAPI app under uvicorn in a background thread and records what it was sent."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """Runs an ASGI app on 127.0.0.1:<free port> until `stop()`."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.time() + 60
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


async def _params(request: Request) -> dict[str, Any]:
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.body()
        return json.loads(body) if body else {}
    form = await request.form()
    out: dict[str, Any] = {}
    for k, v in form.items():
        try:
            out[k] = json.loads(str(v))
        except ValueError:
            out[k] = str(v)
    return out


class FakeTelegram:
    """The parts of the Bot API the bot uses. `fail_sends` makes sendMessage answer 502 while true;
    `rate_limit_next` makes the next sendMessage answer 429 with retry_after."""

    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.sent: list[dict[str, Any]] = []
        self.calls: list[str] = []
        self.webhook: dict[str, Any] = {}
        self.updates: list[dict[str, Any]] = []
        self.fail_sends = False
        self.rate_limit_next = 0
        self.send_delay_s = 0.0  # hold every sendMessage this long (a slow platform)
        self.ack_delay_s = 0.0  # record a sendMessage at once, answer it this long after (the in-flight window)
        self.sent_at: list[float] = []  # time.monotonic() of each entry of `sent`
        self.sent_ids: list[int] = []  # message_id answered for each entry of `sent`
        self.answered_callbacks: list[str] = []
        self.photos: list[dict[str, Any]] = []  # sendPhoto calls: chat_id, caption, reply_markup, png (bytes)
        self.documents: list[dict[str, Any]] = []  # sendDocument calls: chat_id, caption, data (bytes)
        self.actions: list[dict[str, Any]] = []  # sendChatAction calls: chat_id, action
        self.files: dict[str, bytes] = {}  # file_id -> bytes, served by getFile + /file/bot<token>/<path>
        self.downloads: list[str] = []
        self.app = FastAPI()
        self._next_id = 1000

        @self.app.get("/file/bot{token}/{path:path}")
        async def file(token: str, path: str) -> Response:
            file_id = path.rsplit("/", 1)[-1].split(".", 1)[0]
            if token != self.token or file_id not in self.files:
                return Response(status_code=404)
            self.downloads.append(file_id)
            return Response(self.files[file_id], media_type="image/png")

        @self.app.post("/bot{token}/{method}")
        async def method(token: str, method: str, request: Request) -> JSONResponse:
            if token != self.token:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            p = await _params(request)
            self.calls.append(method)
            if method == "getMe":
                return self._ok({"id": 123456, "is_bot": True, "first_name": "binhdan", "username": "binhdan_bot"})
            if method == "setWebhook":
                self.webhook = p
                return self._ok(True)
            if method == "deleteWebhook":
                self.webhook = {}
                return self._ok(True)
            if method == "getUpdates":
                offset = int(p.get("offset") or 0)
                deadline = time.time() + min(float(p.get("timeout") or 0), 2.0)
                while True:
                    ready = [u for u in self.updates if u["update_id"] >= offset]
                    if ready or time.time() >= deadline:
                        return self._ok(ready)
                    await asyncio.sleep(0.05)
            if method == "getFile":
                fid = str(p.get("file_id") or "")
                if fid not in self.files:
                    return JSONResponse({"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, 400)
                return self._ok({"file_id": fid, "file_unique_id": fid, "file_size": len(self.files[fid]),
                                 "file_path": f"photos/{fid}.png"})
            if method == "answerCallbackQuery":
                self.answered_callbacks.append(str(p.get("callback_query_id")))
                return self._ok(True)
            if method == "sendChatAction":
                self.actions.append(p)
                return self._ok(True)
            if method == "sendDocument":
                form = await request.form()
                doc = form.get("document")
                data = await doc.read() if hasattr(doc, "read") else b""
                self._next_id += 1
                self.documents.append({**{k: v for k, v in p.items() if k != "document"}, "data": data})
                return self._ok({"message_id": self._next_id, "date": int(time.time()),
                                 "chat": {"id": int(p["chat_id"]), "type": "private"},
                                 "document": {"file_id": f"doc{self._next_id}", "file_unique_id": f"u{self._next_id}",
                                              "file_name": str(getattr(doc, "filename", "") or ""),
                                              "file_size": len(data)}})
            if method == "sendPhoto":  # multipart upload: the file part is read as bytes
                form = await request.form()
                photo = form.get("photo")
                data = await photo.read() if hasattr(photo, "read") else b""
                self._next_id += 1
                self.photos.append({**{k: v for k, v in p.items() if k != "photo"}, "png": data})
                return self._ok({"message_id": self._next_id, "date": int(time.time()),
                                 "chat": {"id": int(p["chat_id"]), "type": "private"}, "photo": []})
            if method == "sendMessage":
                if self.send_delay_s:
                    await asyncio.sleep(self.send_delay_s)
                if self.fail_sends:
                    return JSONResponse({"ok": False, "error_code": 502, "description": "Bad Gateway"}, 502)
                if self.rate_limit_next:
                    self.rate_limit_next -= 1
                    return JSONResponse({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                         "parameters": {"retry_after": 1}}, 429)
                self._next_id += 1
                msg_id = self._next_id
                self.sent.append(p)
                self.sent_ids.append(msg_id)
                self.sent_at.append(time.monotonic())
                if self.ack_delay_s:  # delivered; the answer is still on its way when a worker dies
                    await asyncio.sleep(self.ack_delay_s)
                return self._ok({"message_id": msg_id, "date": int(time.time()),
                                 "chat": {"id": int(p["chat_id"]), "type": "private"}, "text": p.get("text", "")})
            return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, 404)

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    def sent_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.sent if int(m["chat_id"]) == chat_id]


def tg_text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": chat_id, "type": "private", "first_name": "An"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "An"}}}


def tg_photo_update(update_id: int, chat_id: int, file_id: str, *, caption: str = "",
                    forwarded: bool = False) -> dict[str, Any]:
    msg: dict[str, Any] = {
        "message_id": update_id, "date": int(time.time()),
        "photo": [{"file_id": file_id + "-small", "file_unique_id": "s", "width": 90, "height": 160},
                  {"file_id": file_id, "file_unique_id": "b", "width": 720, "height": 1280}],
        "chat": {"id": chat_id, "type": "private", "first_name": "An"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "An"}}
    if caption:
        msg["caption"] = caption
    if forwarded:
        msg["forward_origin"] = {"type": "hidden_user", "sender_user_name": "Ai đó", "date": int(time.time())}
    return {"update_id": update_id, "message": msg}


def tg_forwarded_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    u = tg_text_update(update_id, chat_id, text)
    u["message"]["forward_origin"] = {"type": "hidden_user", "sender_user_name": "Ngân hàng", "date": int(time.time())}
    return u


def tg_callback_update(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"cq{update_id}", "data": data, "chat_instance": "1",
        "from": {"id": chat_id, "is_bot": False, "first_name": "An"},
        "message": {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}}}}


class FakeZalo:
    """OA message API (/v3.0/oa/message/cs) and OAuth v4 token refresh (/v4/oa/access_token)."""

    def __init__(self, *, access_token: str = "AT-1", refresh_token: str = "RT-1", app_secret: str = "app-secret") -> None:
        self.valid_access = {access_token}
        self.valid_refresh = {refresh_token}
        self.app_secret = app_secret
        self.sent: list[dict[str, Any]] = []
        self.refreshes = 0
        self.images: dict[str, bytes] = {}  # name -> bytes, served at /images/<name> (the CDN of user_send_image)
        self.error_next: list[int] = []  # error codes the next sends answer (HTTP 200), e.g. -32 rate limit
        self.uploads: list[dict[str, Any]] = []  # /v2.0/oa/upload/file: name, content_type, data, token
        self.upload_error = 0  # non-zero: uploads answer this error (e.g. -210 quota), HTTP 200
        self.app = FastAPI()
        self._n = 0

        @self.app.post("/v2.0/oa/upload/file")
        async def upload(request: Request) -> JSONResponse:
            if request.headers.get("access_token", "") not in self.valid_access:
                return JSONResponse({"error": -216, "message": "Access token is invalid"})
            if self.upload_error:
                return JSONResponse({"error": self.upload_error, "message": "upload refused"})
            part = (await request.form()).get("file")
            if not hasattr(part, "read"):
                return JSONResponse({"error": -201, "message": "file is missing"})
            data = await part.read()
            name = str(getattr(part, "filename", ""))
            if not name.lower().endswith((".pdf", ".doc", ".docx", ".csv")) or len(data) > 5 * 1024 * 1024:
                return JSONResponse({"error": -201, "message": "file type or size not allowed"})
            token = f"ft{len(self.uploads) + 1}"
            self.uploads.append({"name": name, "content_type": getattr(part, "content_type", ""), "data": data,
                                 "token": token})
            return JSONResponse({"error": 0, "message": "Success", "data": {"token": token}})

        @self.app.get("/images/{name}")
        async def image(name: str) -> Response:
            if name not in self.images:
                return Response(status_code=404)
            return Response(self.images[name], media_type="image/jpeg")

        @self.app.post("/v3.0/oa/message/cs")
        async def send(request: Request) -> JSONResponse:
            token = request.headers.get("access_token", "")
            if token not in self.valid_access:
                return JSONResponse({"error": -216, "message": "Access token is invalid"})  # HTTP 200!
            body = await request.json()
            if self.error_next:
                return JSONResponse({"error": self.error_next.pop(0), "message": "Rate limit exceeded"})
            self.sent.append(body)
            self._n += 1
            return JSONResponse({"error": 0, "message": "Success",
                                 "data": {"message_id": f"zm{self._n}", "user_id": body["recipient"].get("user_id", "")}})

        @self.app.post("/v4/oa/access_token")
        async def token(request: Request) -> JSONResponse:
            form = await request.form()
            if request.headers.get("secret_key") != self.app_secret:
                return JSONResponse({"error": -14002, "error_description": "invalid secret"})
            rt = str(form.get("refresh_token"))
            if form.get("grant_type") != "refresh_token" or rt not in self.valid_refresh:
                return JSONResponse({"error": -14014, "error_description": "Invalid refresh token"})
            self.valid_refresh.discard(rt)  # a refresh token works once
            self.refreshes += 1
            new_access, new_refresh = f"AT-{self.refreshes + 1}", f"RT-{self.refreshes + 1}"
            self.valid_access = {new_access}
            self.valid_refresh.add(new_refresh)
            return JSONResponse({"access_token": new_access, "refresh_token": new_refresh, "expires_in": "90000"})


def zalo_event(msg_id: str, user_id: str, text: str, *, app_id: str = "app-1", event: str = "user_send_text") -> bytes:
    body = {"app_id": app_id, "user_id_by_app": "u-app", "event_name": event, "sender": {"id": user_id},
            "recipient": {"id": "oa-1"}, "message": {"text": text, "msg_id": msg_id},
            "timestamp": str(int(time.time() * 1000))}
    return json.dumps(body, ensure_ascii=False).encode()


def zalo_attachment_event(msg_id: str, user_id: str, event: str, payload: dict[str, Any], *, text: str = "",
                          app_id: str = "app-1") -> bytes:
    """`user_send_image` / `user_send_link`: the message carries an attachment with its payload (url …)."""
    body = {"app_id": app_id, "user_id_by_app": "u-app", "event_name": event, "sender": {"id": user_id},
            "recipient": {"id": "oa-1"}, "message": {"text": text, "msg_id": msg_id, "attachments": [
                {"type": "image" if event == "user_send_image" else "link", "payload": payload}]},
            "timestamp": str(int(time.time() * 1000))}
    return json.dumps(body, ensure_ascii=False).encode()


def zalo_signature(raw: bytes, *, app_id: str = "app-1", oa_secret_key: str = "oa-secret") -> str:
    import hashlib

    ts = str(json.loads(raw)["timestamp"])
    return "mac=" + hashlib.sha256(app_id.encode() + raw + ts.encode() + oa_secret_key.encode()).hexdigest()


# ---- a fake OpenAI-compatible chat completions server (issue 10: grounded generation) ------------------

class FakeOpenAI:
    """POST /v1/chat/completions, plain JSON or `stream=true` server-sent events, with scripted replies.

    `reply` is the assistant's text, or a function of the request body returning it. `rewrite` answers the
    query-rewriting requests (recognised by the rewriter's system prompt) when set. `delay_s` holds the
    answer back (a timeout), `status` answers an HTTP error instead. Every request body is recorded."""

    REWRITE_HINT = "search query"

    def __init__(self, reply: str | Callable[[dict[str, Any]], str] = "") -> None:
        self.reply = reply
        self.rewrite: str | None = None
        self.delay_s = 0.0
        self.piece_delay_s = 0.01  # between streamed pieces
        self.status = 200
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.models = ["fake-model"]
        self.app = FastAPI()

        @self.app.get("/v1/models")
        async def models() -> JSONResponse:
            return JSONResponse({"object": "list", "data": [{"id": m, "object": "model"} for m in self.models]})

        @self.app.post("/v1/chat/completions", response_model=None)
        async def completions(request: Request) -> Any:
            from fastapi.responses import StreamingResponse

            body = await request.json()
            self.requests.append(body)
            self.headers.append(dict(request.headers))
            system = str(body["messages"][0].get("content", "")) if body.get("messages") else ""
            is_rewrite = self.REWRITE_HINT in system
            deadline = time.monotonic() + (0.0 if is_rewrite else self.delay_s)
            while time.monotonic() < deadline:  # hold the answer back, but notice a client that gave up
                if await request.is_disconnected():
                    return JSONResponse({}, 499)
                await asyncio.sleep(0.05)
            if self.status != 200 and not is_rewrite:
                return JSONResponse({"error": {"message": "scripted failure", "type": "server_error"}}, self.status)
            if is_rewrite:
                text = self.rewrite if self.rewrite is not None else str(body["messages"][-1]["content"])
            else:
                text = self.reply(body) if callable(self.reply) else self.reply
            usage = {"prompt_tokens": 50 * len(body.get("messages", [])), "completion_tokens": len(text.split()),
                     "total_tokens": 50 * len(body.get("messages", [])) + len(text.split())}
            base = {"id": "chatcmpl-fake", "created": int(time.time()), "model": body.get("model", "fake")}
            if not body.get("stream"):
                return JSONResponse({**base, "object": "chat.completion", "usage": usage, "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]})

            async def events() -> Any:
                pieces = [text[i:i + 12] for i in range(0, len(text), 12)] or [""]
                for n, piece in enumerate(pieces):
                    delta = {"role": "assistant", "content": piece} if n == 0 else {"content": piece}
                    chunk = {**base, "object": "chat.completion.chunk",
                             "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
                    yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
                    await asyncio.sleep(self.piece_delay_s)
                last = {**base, "object": "chat.completion.chunk",
                        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
                yield f"data: {json.dumps(last)}\n\n"
                if (body.get("stream_options") or {}).get("include_usage"):
                    yield f"data: {json.dumps({**base, 'object': 'chat.completion.chunk', 'choices': [], 'usage': usage})}\n\n"
                yield "data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")

    def answer_requests(self) -> list[dict[str, Any]]:
        """The generation requests (not the rewriting ones)."""
        return [r for r in self.requests if self.REWRITE_HINT not in str(r["messages"][0].get("content", ""))]
