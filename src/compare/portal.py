"""Saved portal pages (.html/.htm) → the plan's lines and the portal's info table.

Part of the extraction stage (:mod:`compare.extract` dispatches here).
Hand-written rules with lxml, because they are about this genre: the info
table (索引号, 发布机构, 文号, 成文日期, 发布日期) feeds the metadata;
navigation, breadcrumbs, share/print links, related-link lists, footers and
ICP lines are dropped and counted; the content block is the smallest element
holding most of the page's paragraph text; ``<ol>`` items get their numbers.
"""

from __future__ import annotations

import re

from compare.exceptions import PlanInputError
from compare.extract import CJK, Extracted, clean, task_table_lines, to_simplified
from compare.grammar import (
    CREDIT_LINE,
    info_date,
    info_fields,
    is_chrome,
    normalise_doc_number,
)
from compare.io import sha256_bytes, to_simplified_converter

__all__ = ["read_html", "read_mhtml"]

#: Labels of a portal's info table and the metadata key each feeds.
_INFO_LABELS = {
    "索引号": "index_no",
    "发布机构": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "成文日期": "issue_date",
    "发布日期": "publish_date",
    "公开日期": "publish_date",
    "主题分类": "topic",
    "公开方式": "",
    "有效性": "",
    "标题": "page_title",
    "名称": "page_title",
}
#: class/id words of page chrome (navigation, breadcrumbs, share and print
#: bars, related lists, footers) on government portals.
_CHROME_ATTR = re.compile(
    r"(^|[\s_-])(nav|navbar|menu|breadcrumb|crumbs?|position|location|dqwz|share|bdshare|print|"
    r"footer|foot|bottom|copyright|related|relevant|xgxx|xglj|hot|rank|sidebar|side|left|right|"
    r"pager|page-?nav|prev|next|sxp|comment|toolbar|topbar|header|head|top|banner|search|login|"
    r"fontsize|zihao|fenxiang|dayin|guanbi)([\s_-]|\d|$)",
    re.I,
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "ul", "ol", "dl", "dd", "dt", "blockquote", "center", "pre", "td", "th",
}  # fmt: skip


def _html_decode(data: bytes, name: str) -> tuple[str, str]:
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w-]+)""", data[:4096], re.I)
    declared = m.group(1).decode("ascii", "ignore").lower() if m else ""
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk"):
        declared = "gb18030"
    for codec in [c for c in (declared, "utf-8", "gb18030") if c]:
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise PlanInputError(name, "web page in an encoding that cannot be recognised")
    return str(best), best.encoding


def _node_lines(node) -> list[str]:  # noqa: ANN001 - an lxml element
    """Text of an element, a line per block element and per <br>; <ol> items numbered.

    >>> import lxml.html
    >>> _node_lines(lxml.html.fromstring("<div><p>一、总则</p><ol><li>做好。</li><li>推进。</li></ol></div>"))
    ['一、总则', '1.做好。', '2.推进。']
    """
    from compare.grammar import numbering_of

    out: list[str] = []
    cur: list[str] = []
    number: list[str] = []  # an <ol> item's number, for the item's first line of text

    def flush() -> None:
        line = "".join(cur).strip()
        cur.clear()
        # a bold run opening a paragraph with more text after it: its title, marked
        # **…** as the Word reader marks it (a paragraph wholly bold is a heading)
        m = re.match(r"^\x01([^\x01\x02]*)\x02(.*)$", line, re.S)
        if m and m.group(1).strip() and m.group(2).strip():
            line = f"**{m.group(1).strip()}**{m.group(2)}"
        line = line.replace("\x01", "").replace("\x02", "").strip()
        if line and number:  # (inside the bold mark, as the Word reader puts it)
            line = "**" + number[0] + line[2:] if line.startswith("**") else number[0] + line
            number.clear()
        if line:
            out.append(line)

    def walk(el, label: str = "") -> None:  # noqa: ANN001
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCK_TAGS
        if block:
            flush()
        if label and not numbering_of((el.text_content() or "").strip()):
            # an <ol> item's number is the browser's, not in the text: it opens the
            # item's first line (which may be a <p> inside the <li>)
            number[:] = [label]
        if tag.lower() not in ("script", "style", "noscript") and el.text:
            cur.append(el.text)
        if tag.lower() == "table":
            as_tasks = task_table_lines(_table_grid(el))
            if as_tasks is not None:  # a task table: a row per task, as a plan prints it
                flush()
                out.extend(as_tasks)
                return
        if tag.lower() == "ol":
            start = el.get("start", "1")
            n = int(start) if start.isdigit() else 1
            for child in el:
                if isinstance(child.tag, str) and child.tag.lower() == "li":
                    walk(child, f"{n}.")
                    number.clear()  # (an item without text keeps its number to itself)
                    n += 1
                else:
                    walk(child)
                if child.tail:
                    cur.append(child.tail)
            flush()
            return
        for child in el:
            ctag = child.tag.lower() if isinstance(child.tag, str) else ""
            if ctag in ("strong", "b") and not "".join(cur).strip() and len(child) == 0:
                cur.append("\x01" + (child.text or "") + "\x02")
            else:
                walk(child)
            if child.tail:
                cur.append(child.tail)
        if block:
            flush()

    walk(node)
    flush()
    return [re.sub(r"[ \t\r\n\u3000\u00a0]+", " ", x).strip() for x in out]


def _table_grid(table) -> list[list[str]]:  # noqa: ANN001 - an lxml element
    """Cell texts of a table row by row (a cell's lines joined by "\\n"); a cell spanning
    rows is empty in the rows below it, one spanning columns is one cell then empty ones."""
    rows: list[list[str]] = []
    below: dict[int, int] = {}  # column -> rows still covered by a cell above
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        row: list[str] = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while below.get(len(row), 0) > 0:
                below[len(row)] -= 1
                row.append("")
            span = td.get("colspan", "1")
            down = td.get("rowspan", "1")
            for k in range(int(span) if span.isdigit() and int(span) > 0 else 1):
                if down.isdigit() and int(down) > 1:
                    below[len(row)] = int(down) - 1
                row.append("\n".join(_node_lines(td)) if k == 0 else "")
        while below.get(len(row), 0) > 0:
            below[len(row)] -= 1
            row.append("")
        rows.append(row)
    return rows


#: ``<![if !supportLists]>`` … ``<![endif]>`` (Word's HTML), not ``<!--[if …]>`` comments.
_WORD_CONDITIONAL = re.compile(r"<!\[(?:if\s[^\]>]*|endif)\]>", re.I)


def _cjk(node) -> int:  # noqa: ANN001
    return len(CJK.findall(node.text_content()))


def _html_lines(html: str, name: str) -> tuple[list[str], dict[str, str], list[str]]:
    """(plan lines, info-table metadata, dropped chrome lines) of a portal page."""
    import lxml.html

    # a page Word saved as HTML (.htm, or .mht "single file web page") marks its list numbers
    # with downlevel-revealed conditionals, which lxml would leave as text: the markers go,
    # what they enclose (the number) stays
    html = _WORD_CONDITIONAL.sub("", html)
    try:
        root = lxml.html.document_fromstring(html)
    except Exception as err:  # noqa: BLE001 - lxml raises several kinds
        raise PlanInputError(name, f"web page that cannot be parsed ({err})") from None
    meta: dict[str, str] = {}
    for m in root.iter("meta"):
        key = (m.get("name") or "").lower()
        if key in ("articletitle", "title") and m.get("content"):
            meta.setdefault("page_title", m.get("content").strip())
    # an article saved from a WeChat official account: its publish time
    for el in root.xpath('//*[@id="publish_time"]'):
        meta.setdefault("publish_date", el.text_content().strip())
    for script in root.iter("script"):
        m = re.search(r"""createTime\s*=\s*['"](\d{4}-\d{1,2}-\d{1,2})""", script.text or "")
        if m:
            meta.setdefault("publish_date", m.group(1))
    for el in root.xpath("//script|//style|//noscript|//iframe|//select|//form|//button"):
        el.drop_tree()
    total = _cjk(root)
    # the info table: any small table or list whose cells carry the portal's labels
    dropped: list[str] = []
    # innermost first: a layout table holding both the info table and the plan keeps the plan
    candidates = sorted(
        root.iter("table", "ul", "div", "dl"), key=lambda e: -sum(1 for _ in e.iterancestors())
    )
    for el in candidates:
        if el.getparent() is None:
            continue
        text = re.sub(r"\s", "", el.text_content())
        labels = {
            lab
            for lab in ("索引号", "发布机构", "文号", "成文日期", "发布日期", "发文机关")
            if lab in text
        }
        if len(labels) >= 2 and len(CJK.findall(text)) < 400:
            for line in _node_lines(el):
                for lab, value in info_fields(line) or []:
                    key = _INFO_LABELS.get(lab)
                    if key and value.strip():
                        meta.setdefault(key, value.strip())
            # cells: label in one cell, value in the next
            cells = [
                c.text_content().strip() for c in el.iter("td", "th", "dt", "dd", "span", "li")
            ]
            for a, b in zip(cells, cells[1:], strict=False):
                lab = re.sub(r"[\s\u3000]", "", a).rstrip(":：")
                if (
                    lab in _INFO_LABELS
                    and _INFO_LABELS[lab]
                    and b
                    and b.rstrip(":： ") not in _INFO_LABELS
                ):
                    meta.setdefault(_INFO_LABELS[lab], b)
            dropped.extend(_node_lines(el))
            el.drop_tree()
    # chrome by tag and by class/id
    for el in list(root.iter("nav", "header", "footer", "aside")):
        if el.getparent() is not None and _cjk(el) < 0.5 * max(total, 1):
            dropped.extend(_node_lines(el))
            el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if attrs.strip() and _CHROME_ATTR.search(attrs) and _cjk(el) < 0.3 * max(total, 1):
            dropped.extend(_node_lines(el))
            el.drop_tree()
    body = root.find("body")
    if body is None:
        body = root

    # the content block: the smallest element holding most of the page's paragraph text
    def para_cjk(el) -> int:  # noqa: ANN001
        return sum(len(CJK.findall(p.text_content())) for p in el.iter("p")) or _cjk(el)

    best, best_score = body, para_cjk(body)
    node = body
    while True:
        kids = [k for k in node if isinstance(k.tag, str)]
        if not kids:
            break
        top = max(kids, key=para_cjk)
        if para_cjk(top) >= 0.85 * best_score and para_cjk(top) > 0:
            node = best = top
        else:
            break
    lines = _node_lines(best)
    # a title outside the content block (h1 above it, or ArticleTitle)
    title = meta.get("page_title")
    if not title:
        h = body.xpath(".//h1|.//h2")
        title = h[0].text_content().strip() if h else ""
    if not title:
        t = root.find(".//title")
        title = (
            re.split(r"[_|｜-]", t.text_content().strip())[0]
            if t is not None and t.text_content()
            else ""
        )
    title = re.sub(r"\s+", " ", title or "").strip()
    # the page's own heading is the plan's title only when it names a plan (a site name
    # such as "XX县人民政府" in <title> is not)
    from compare.grammar import TITLE_END

    if not TITLE_END.search(title.replace(" ", "")):
        # a title styled by class (<div class="tit">) just above the content block
        node = best
        while node is not None and node is not body and not TITLE_END.search(title):
            for sib in node.itersiblings(preceding=True):
                if not isinstance(sib.tag, str):
                    continue
                text = re.sub(r"\s+", " ", sib.text_content()).strip()
                if 4 <= len(text) <= 60 and TITLE_END.search(text.replace(" ", "")):
                    title = text
                    break
            node = node.getparent()

    if (
        title
        and TITLE_END.search(title.replace(" ", ""))
        and title.replace(" ", "") not in "".join(lines[:8]).replace(" ", "")
    ):
        lines.insert(0, title)
    kept: list[str] = []
    for ln in lines:
        if is_chrome(ln):  # the parser's notion of portal chrome, one for both stages
            dropped.append(ln)
        else:
            kept.append(ln)
    # an article's closing credits and prompts (来源：…, 编辑：…, 长按识别二维码关注我们)
    tail = len(kept)
    while tail and CREDIT_LINE.search(re.sub(r"\s", "", kept[tail - 1])):
        tail -= 1
    dropped.extend(kept[tail:])
    return [clean(x) for x in kept[:tail]], meta, dropped


def _reads_like_prose(lines: list[str]) -> bool:
    """Plan text has sentences: at least 100 Chinese characters and three sentence ends.

    A portal's list page (headlines with dates) has neither.

    >>> _reads_like_prose(["2025年松江区卫生健康工作要点2025-03-20"] * 10)
    False
    """
    text = "".join(lines)
    return len(CJK.findall(text)) >= 100 and len(re.findall(r"[。；！？]", text)) >= 3


def read_html(data: bytes, name: str) -> Extracted:
    html, encoding = _html_decode(data, name)
    return _read_page(html, encoding, data, name, "html")


def _read_page(html: str, encoding: str, data: bytes, name: str, fmt: str) -> Extracted:
    """A decoded portal page (``data``: the file's bytes, for its hash) → :class:`Extracted`."""
    lines, meta, dropped = _html_lines(html, name)
    if not _reads_like_prose(lines):
        raise PlanInputError(name, "web page with no plan text (navigation or a list of links?)")
    lines, original = to_simplified(lines)
    if original:
        meta = {k: to_simplified_converter().convert(v) for k, v in meta.items()}
    return Extracted(
        text="\n".join(lines),
        format=fmt,
        sha256=sha256_bytes(data),
        encoding=encoding,
        original=original,
        meta=_normalise_meta(meta),
        furniture=tuple(dropped),
    )


def _mhtml_pages(data: bytes, name: str) -> list[tuple[str, str]]:
    """(html, encoding) of every text/html part of a page saved as one MIME file."""
    import email
    import email.policy

    try:
        msg = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as err:  # noqa: BLE001 - the email parser raises several kinds
        raise PlanInputError(name, f"damaged saved web page (MHTML: {err})") from None
    pages: list[tuple[str, str]] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_type() != "text/html":
            continue
        payload = part.get_payload(decode=True)
        if not payload:
            continue
        charset = (part.get_content_charset() or "").lower()
        if charset in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
            charset = "gb18030"
        try:
            pages.append(
                (payload.decode(charset), charset) if charset else _html_decode(payload, name)
            )
        except (UnicodeDecodeError, LookupError):
            pages.append(_html_decode(payload, name))  # the part's charset is wrong: the page's own
    return pages


def read_mhtml(data: bytes, name: str) -> Extracted:
    """A portal page saved as one file (.mhtml by Chrome/Edge, .mht by IE/360 browser).

    The MIME message is read with the standard library's :mod:`email`: parts
    quoted-printable or base64, in the part's charset (GBK/GB2312 read as
    GB18030) or, without one, the page's own. Of its HTML parts (the page and
    any frames it holds) the one with the most Chinese text is the page, read
    by the portal rules of :func:`read_html` (info table, chrome dropped).

    Examples
    --------
    >>> body = "".join(f"<p>{n}. 做好第{n}项工作，推进社区卫生服务中心标准化建设。</p>" for n in range(1, 7))
    >>> page = f"<html><body><p>一、总则</p>{body}</body></html>".encode("gbk")
    >>> import base64
    >>> mht = (b"MIME-Version: 1.0\\r\\nContent-Type: multipart/related; boundary=b\\r\\n\\r\\n--b\\r\\n"
    ...        b"Content-Type: text/html; charset=gb2312\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\n"
    ...        + base64.encodebytes(page) + b"\\r\\n--b--\\r\\n")
    >>> ex = read_mhtml(mht, "plan.mht")
    >>> ex.format, ex.encoding, ex.text.split("\\n")[1]
    ('mhtml', 'gb18030', '1. 做好第1项工作，推进社区卫生服务中心标准化建设。')
    """
    pages = _mhtml_pages(data, name)
    if not pages:
        raise PlanInputError(
            name, "saved web page (MHTML) without an HTML part: damaged or cut short"
        )
    html, encoding = max(pages, key=lambda pe: len(CJK.findall(re.sub(r"<[^>]*>", "", pe[0]))))
    return _read_page(html, encoding, data, name, "mhtml")


def _normalise_meta(meta: dict[str, str]) -> dict[str, str]:
    out = {}
    for key, value in meta.items():
        value = re.sub(r"\s+", " ", value).strip()
        if key in ("issue_date", "publish_date"):
            value = info_date(value) or ""
        elif key == "doc_number":
            value = normalise_doc_number(value) or ""
        if value:
            out[key] = value
    return out
