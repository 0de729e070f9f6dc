"""A local HTTP server standing in for Alibaba Cloud's and Tencent Cloud's SMS endpoints, for the real SDKs to send
to (SMS_ENDPOINT): it records what each request carried and answers as the provider does, or with the errors a test
queues (throttling, a bad template)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    """One SMS as the provider received it."""

    provider: str
    phone: str
    sign: str
    template: str
    params: list[str] | dict[str, str]
    app_id: str | None = None


@dataclass
class Provider:
    url: str
    received: list[Received] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # provider error codes to answer with, one per request
    delay: float = 0.0  # seconds between receiving an SMS and answering: a wider window for a kill mid-send
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with provider.lock:
                error = provider.errors.pop(0) if provider.errors else None
            if self.headers.get("X-TC-Action") == "SendSms":
                answer = self._tencent(json.loads(body), error)
            else:
                answer = self._aliyun({**parse_qs(urlsplit(self.path).query), **parse_qs(body.decode())}, error)
            data = json.dumps(answer).encode()
            time.sleep(provider.delay)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _aliyun(self, form: dict[str, list[str]], error: str | None) -> dict:
            if error is None:
                one = {key: values[0] for key, values in form.items()}
                with provider.lock:
                    provider.received.append(
                        Received(
                            "aliyun",
                            one["PhoneNumbers"],
                            one["SignName"],
                            one["TemplateCode"],
                            json.loads(one["TemplateParam"]),
                        )
                    )
            return {
                "Code": error or "OK",
                "Message": "OK" if error is None else "refused",
                "RequestId": "r",
                "BizId": "b",
            }

        def _tencent(self, request: dict, error: str | None) -> dict:
            if error is not None and error.startswith("Error:"):
                return {"Response": {"Error": {"Code": error[6:], "Message": "refused"}, "RequestId": "r"}}
            if error is None:
                with provider.lock:
                    provider.received.append(
                        Received(
                            "tencent",
                            request["PhoneNumberSet"][0],
                            request["SignName"],
                            request["TemplateId"],
                            request["TemplateParamSet"],
                            request["SmsSdkAppId"],
                        )
                    )
            status = {
                "SerialNo": "s",
                "PhoneNumber": request["PhoneNumberSet"][0],
                "Fee": 1,
                "SessionContext": "",
                "Code": error or "Ok",
                "Message": "send success",
                "IsoCode": "CN",
            }
            return {"Response": {"SendStatusSet": [status], "RequestId": "r"}}

    return Handler


@contextmanager
def sms_provider() -> Iterator[Provider]:
    """A provider endpoint on 127.0.0.1 for the test's duration."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), None)  # type: ignore[arg-type]
    provider = Provider(f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
