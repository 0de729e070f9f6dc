"""SMS through the providers' own SDKs, with the approved signature (短信签名) and template ids from settings:
Alibaba Cloud SMS (alibabacloud-dysmsapi20170525) and Tencent Cloud SMS (tencentcloud-sdk-python-sms). SMS_ENDPOINT
points either at another endpoint (a test's local server standing in for the provider).

Each SDK is imported when its sender is made, not with this module: the form service imports it for the 短信验证码
(forms_api/notify/verify.py) and, with that off, must not pay the SDKs' second or more of start-up."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from forms_api.messages_notify import SMS_PARAMS
from forms_api.notify.senders import Message, SendError


def _endpoint(config: Mapping[str, Any]) -> tuple[str | None, str]:
    """(host[:port] or None for the provider's own, scheme) from SMS_ENDPOINT."""
    if not config.get("SMS_ENDPOINT"):
        return None, "https"
    parts = urlsplit(config["SMS_ENDPOINT"])
    return parts.netloc, parts.scheme


class AliyunSender:
    """Alibaba Cloud SMS: SendSms with SignName, TemplateCode and TemplateParam (JSON); `Code` other than OK fails."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_dysmsapi20170525.client import Client as AliyunClient
        from alibabacloud_tea_openapi.utils_models import Config as AliyunConfig
        from darabonba.runtime import RuntimeOptions

        host, scheme = _endpoint(config)
        self.models = models
        self.client = AliyunClient(
            AliyunConfig(
                access_key_id=config["SMS_ACCESS_KEY_ID"],
                access_key_secret=config["SMS_ACCESS_KEY_SECRET"],
                endpoint=host or "dysmsapi.aliyuncs.com",
                protocol=scheme,
            )
        )
        self.sign, self.templates = config["SMS_SIGN_NAME"], dict(config["SMS_TEMPLATES"])
        self.runtime = RuntimeOptions(autoretry=False, max_attempts=1, read_timeout=15000, connect_timeout=5000)

    def send(self, message: Message) -> None:
        params = {name: message.params[name] for name in SMS_PARAMS[message.template]}
        request = self.models.SendSmsRequest(
            phone_numbers=message.to[0],
            sign_name=self.sign,
            template_code=self.templates[message.template],
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            response = self.client.send_sms_with_options(request, self.runtime)
        except Exception as exc:  # the SDK raises its own errors and any network error: all are retried
            raise SendError(f"aliyun: {type(exc).__name__}: {getattr(exc, 'code', '') or ''}") from exc
        body = response.body
        if body is None or body.code != "OK":
            code, text = getattr(body, "code", None), getattr(body, "message", None)
            raise SendError(f"aliyun: {code}: {text}")


class TencentSender:
    """Tencent Cloud SMS: SendSms with SmsSdkAppId, SignName, TemplateId and TemplateParamSet (in the template's
    order); a SendStatus `Code` other than Ok, or an error answer, fails."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        host, scheme = _endpoint(config)
        self.models, self.sdk_error = models, TencentCloudSDKException
        http = HttpProfile(endpoint=host or "sms.tencentcloudapi.com", reqTimeout=15)
        http.scheme = http.protocol = scheme
        cred = credential.Credential(config["SMS_ACCESS_KEY_ID"], config["SMS_ACCESS_KEY_SECRET"])
        self.client = SmsClient(cred, config["SMS_REGION"], ClientProfile(httpProfile=http))
        self.app_id, self.sign = config["SMS_APP_ID"], config["SMS_SIGN_NAME"]
        self.templates = dict(config["SMS_TEMPLATES"])

    def send(self, message: Message) -> None:
        request = self.models.SendSmsRequest()
        request.SmsSdkAppId, request.SignName = self.app_id, self.sign
        request.TemplateId = self.templates[message.template]
        request.TemplateParamSet = [message.params[name] for name in SMS_PARAMS[message.template]]
        request.PhoneNumberSet = ["+86" + message.to[0]]
        try:
            response = self.client.SendSms(request)
        except self.sdk_error as exc:
            raise SendError(f"tencent: {exc.get_code()}: {exc.get_message()}") from exc
        except Exception as exc:
            raise SendError(f"tencent: {type(exc).__name__}") from exc
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            code = statuses[0].Code if statuses else None
            raise SendError(f"tencent: {code}: {statuses[0].Message if statuses else ''}")
