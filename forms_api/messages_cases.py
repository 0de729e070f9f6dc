"""The texts of working a case in the console (Chinese): the department a case is handed to (交办/转办, forms_api/
accounts/units.py; also in the staff tools' words), answering a case someone else handles, the latest 办理结果 above the
answer box, and 申请退回 with its decline (forms_api/console/case.py, actions.py). Beside messages_console.py, which
holds the rest of the console's texts; `ut` and `ct` in templates."""

from __future__ import annotations

# 交办/转办 to a department (the rule: forms_api/accounts/units.py; the console's words here, the staff tools' in
# CLI_UNIT_TEXTS): the name a handler account has, or a confirmed new one.
UNIT_TEXTS = {
    "unknown_close": (
        "没有名为“{name}”的承办单位账号，相近的有：{close}。请改用账号上的名称（输入框会提示），"
        "承办单位才能在后台看到这条留言，交办清单里也才有它；如果该单位确实还没有账号，请勾选“该单位还没有账号”一项。"
    ),
    "unknown": (
        "没有名为“{name}”的承办单位账号，也没有相近的。请核对名称（输入框会提示已有的名称）；"
        "如果该单位确实还没有账号，请勾选“该单位还没有账号”一项。"
    ),
    "join": "、",
    "unit_with_deputy": (
        "填了部门名称“{name}”，但选的是交给人大代表：要交给这个部门，请在“交办给”中选“职能部门”；"
        "要交给代表，请清空部门名称。"
    ),
    "confirm_assign": "该单位还没有账号，仍然交办",
    "confirm_handover": "该单位还没有账号，仍然转办",
    "confirm_hint": (
        "部门名称要与承办单位账号上的一致，承办单位才能在后台看到这条留言。"
        "还没有账号的单位（以后再开通，或凭打印的交办单办理）请勾选上面一项。"
    ),
}

# A case's page (forms_api/console/case.py, actions.py), as `ct` in templates: answering a case someone else handles.
CASE_TEXTS = {
    "held_by": (
        "这条留言现由{holder}办理{result}。由您答复的，这就是给群众的答复，群众在查询进度页面上会看到；"
        "承办者仍记为{holder}，会收到“已由他人答复”的邮件通知（设置了邮件通知时）；需要时请写内部备注或联系代表工作机构。"
    ),
    "has_result": "，已有办理结果（见下）",
    "no_result": "，还没有办理结果",
    "answer_anyway": "我知道这条留言由他人办理，仍由我答复",
    "answer_elsewhere": (
        "这条留言现由{holder}办理{result}，答复会立即公开给群众。如确需由您答复，请勾选“仍由我答复”一项后再提交；"
        "否则请等承办者办理，或写内部备注。"
    ),
}
# the latest 办理结果 above the answer box, and an answer started from it (case.py fill_template)
CASE_TEXTS |= {
    "latest_result": "最新办理结果",
    "from_result": "用办理结果起草答复",
    "from_result_hint": "办理结果接在已写的答复后面，填入答复框，请改写成给群众的答复再提交；还没有提交。",
}
# 申请退回 (a handler or deputy says a case is not theirs) and the decline: the case's page, the dashboard, the list
CASE_TEXTS |= {
    "return_pending": "{who} 于 {at} 申请退回：{reason}",
    "return_declined": "退回申请未获同意（{who} 于 {at}）：{reason}。请继续办理。",
    "return_decide_hint": "转办给应办理的承办者，这一申请即已处理；如仍应由其办理，请在下方“不同意退回”写明理由。",
    "return_waiting": "退回申请正在等待代表工作机构处理（转办，或说明理由后请您继续办理）。",
    "return_ask_reason": "退回原因（为什么不归您办理，应由谁办理）",
    "return_ask_hint": "这条留言不该由您办理时申请退回：代表工作机构会转办，或说明理由后请您继续办理。群众看不到。",
    "return_decline_reason": "不同意退回的理由（申请退回的一方会看到）",
    "done_return_ask": "已为 {ref} 申请退回，等待代表工作机构处理。",
    "done_return_decline": "已处理 {ref} 的退回申请：不同意退回，仍由{assignee}办理。",
}

# The staff tools' `decline-return` (forms_api/staff/workflow.py): the console's 不同意退回.
CLI_TEXTS = {
    "decline-return": (
        "不同意退回：承办单位（或代表）申请退回的留言仍由其办理，写明理由（仅内部可见，申请的一方在后台能看到）。"
        "同意退回的，直接用 transfer 转办给应办理的承办者。"
    ),
    "decline-return.short": "不同意承办者的退回申请。",
    "decline-return.reason": "不同意退回的理由。",
    "declined": "已处理 {ref} 的退回申请：不同意退回，仍由{assignee}办理。",
}

# `assign`/`transfer --to department` (forms_api/staff/assignees.py): the console's unit check (UNIT_TEXTS), in the
# staff tools' words: no list to pick from in a terminal, so the refusal names the units that have an account.
CLI_UNIT_TEXTS = {
    "unknown_close": (
        "没有名为“{name}”的承办单位账号，相近的有：{close}。请用 --name 写账号上的名称，"
        "承办单位才能在后台看到这条留言，交办清单里也才有它；如果该单位确实还没有账号，请加 --new-unit。"
    ),
    "unknown": (
        "没有名为“{name}”的承办单位账号，也没有相近的。有账号的承办单位：{units}。请核对名称；"
        "如果该单位确实还没有账号，请加 --new-unit。"
    ),
    "no_units": (
        "还没有任何承办单位账号，无法核对“{name}”。如果该单位确实还没有账号，请加 --new-unit；"
        "开通账号：python -m forms_api users add 登录名 --role handler --handler 单位名称。"
    ),
    "more": " 等 {count} 个（python -m forms_api users list 列出全部账号）",
    "join": "、",
    "not_department": "--new-unit 只用于 --to department（职能部门）。",
}
