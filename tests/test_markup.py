"""Text from content is data: escaping for generated Markdown, and sanitised Markdown for bios."""

from __future__ import annotations

import markdown
import pytest

from generator.markup import markdown_html, md_escape


def render(text: str) -> str:
    return markdown.markdown(text, extensions=["attr_list", "md_in_html", "tables"])


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("[点我](javascript:alert(1))", "[点我](javascript:alert(1))"),
        ("**粗体** _斜体_ `代码`", "**粗体** _斜体_ `代码`"),
        ("# 不是标题", "# 不是标题"),
        ("1. 不是列表", "1. 不是列表"),
        ("- 不是列表", "- 不是列表"),
        ("a | b", "a | b"),
        ("{ onclick=alert(1) }", "{ onclick=alert(1) }"),
        ("第一行\n\n第二行", "第一行 第二行"),
        ('"><img src=x onerror=alert(1)>', "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("2022-01-08 09:00-11:30", "2022-01-08 09:00-11:30"),
    ],
)
def test_escaped_value_renders_as_the_same_text(value: str, shown: str) -> None:
    assert render(f"前缀 {md_escape(value)}") == f"<p>前缀 {shown}</p>"
    assert render(md_escape(value)) == f"<p>{shown}</p>"


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("**重点**", "<p><strong>重点</strong></p>"),
        ("<script>alert(1)</script>", ""),
        ("[链接](javascript:alert(1))", '<p><a rel="nofollow noopener noreferrer">链接</a></p>'),
        ("[链接](https://a.cn/)", '<p><a href="https://a.cn/" rel="nofollow noopener noreferrer">链接</a></p>'),
        ('<img src=x onerror="alert(1)">', "<p></p>"),
        ("# 标题", "<h3>标题</h3>"),
        ("- 一\n- 二", "<ul>\n<li>一</li>\n<li>二</li>\n</ul>"),
    ],
)
def test_markdown_is_sanitised(source: str, html: str) -> None:
    assert str(markdown_html(source)) == html
