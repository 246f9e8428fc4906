"""Stage 1: page bytes to a clean lxml tree, decoding legacy charsets the way browsers do."""

from __future__ import annotations

import codecs
import re
import warnings
from dataclasses import dataclass

from lxml import etree

from .config import DEFAULT_CONFIG, DROPPED_TAGS, Config
from .errors import BoilerplateWarning, DocumentTooLargeError, EmptyDocumentError, NotHTMLError

BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it shares its first two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Signatures of binary formats that are sometimes served or saved as .html.
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "gzip data"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
    (b"\x7fELF", "an ELF executable"),
    (b"OggS", "an Ogg stream"),
    (b"ID3", "an MP3 file"),
    (b"\x00\x00\x01\x00", "an icon"),
)

# Labels that browsers (WHATWG Encoding Standard) decode with a wider superset codec.
CHARSET_ALIASES: dict[str, str] = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
    "chinese": "gb18030", "csgb2312": "gb18030", "euc-cn": "gb18030", "cp936": "gb18030",
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "us-ascii": "cp1252",
    "ascii": "cp1252", "iso8859-1": "cp1252", "l1": "cp1252",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "korean": "cp949",
    "big5": "big5hkscs", "tis-620": "cp874", "iso-8859-11": "cp874",
    "iso-8859-9": "cp1254", "utf8": "utf-8", "unicode": "utf-8", "utf-16": "utf-16-le",
}

# Multi-byte legacy codecs: a page that decodes as UTF-8 but declares one of the single-byte
# ones is UTF-8 (a wrong declaration, common after re-saving), since random legacy text is
# almost never valid UTF-8.
SINGLE_BYTE_PREFIXES: tuple[str, ...] = ("cp125", "iso8859", "latin", "koi8", "mac", "cp874")

META_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:\-]+)""")
XML_DECL_STR_RE = re.compile(r"^\s*<\?xml[^>]*\?>")
XML_DECL_WINDOW = 256
# C0 controls other than tab/LF/CR: libxml2 rejects them. They never occur inside a UTF-8
# multi-byte sequence, so deleting them from the encoded bytes is safe.
CONTROL_BYTES = bytes(range(9)) + b"\x0b\x0c" + bytes(range(14, 32))
HIDING_ATTRIBUTES = etree.XPath("//@style | //@hidden")
HIDING_OR_NOSCRIPT = etree.XPath("//@style | //@hidden | //noscript")
"""One walk over the tree finds what may be hidden and any <noscript>."""
TEXT_LENGTH = etree.XPath("string-length(.)")
"""Characters of text under an element, counted in libxml2 (whitespace included)."""
HIDING_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
LANG_CODE_RE = re.compile(r"[a-z]{2,3}")
NS_PREFIX_DECL_RE = re.compile(r"xmlns:\w+\s*=", re.IGNORECASE)
LOCAL_NAME_RE = re.compile(r"[a-z][a-z0-9_.\-]*")
SHOWN_MIN_CHARS = 200
"""Hidden or <noscript> text shorter than this is dropped without a look: the usual "enable
JavaScript" notice, tracking pixel or collapsed menu."""
NOSCRIPT_MAJORITY = 0.8
"""<noscript> holding more than this share of the page's text is the page's readable version
(a forum's posts sent to crawlers), so it is kept. At half, pages whose <noscript> holds a
comment thread or a second menu beside a visible article kept it too."""
TEMPLATE_SCRIPT_TYPES = frozenset({"text/template", "text/html", "text/x-template"})
"""<script> types that hold markup for scripts to render, not code. A <noscript> right after
one is that markup rendered for readers without scripts (Blogger sends a post's body so),
so it is kept whatever share of the page it holds."""
HIDDEN_MAJORITY = 0.95
"""A hidden element holding more than this share of the page's text is the whole page,
hidden until its scripts run (against a flash of unstyled content), so it is shown. A
hidden cookie-consent vendor list can hold 0.82 of a page's text beside a visible article."""
STREAM_SEGMENT_RE = re.compile(r"S:[0-9a-f]+")
"""id of a segment a server streams after the page shell (React's Suspense): sent hidden,
then a script moves it to its placeholder and shows it."""
STREAM_CALL_RE = re.compile(
    r"""\$R[CS]\(\s*["']([BPS]:[0-9a-f]+)["']\s*,\s*["']([BPS]:[0-9a-f]+)["']""")
"""The scripts that move a streamed segment: $RC("B:0", "S:0") and $RS("S:1", "P:1")."""
MAX_PARSE_DEPTH = 2048
"""libxml2's nesting limit (even with huge_tree): deeper markup ends the parse."""
BINARY_SAMPLE_BYTES = 4096
MAX_CONTROL_SHARE = 0.05
"""Share of C0 control bytes in the first KBs above which input is binary, not text."""


@dataclass(frozen=True)
class Document:
    """A parsed page: the cleaned tree plus how its bytes were read."""

    root: etree._Element
    encoding: str
    url: str | None = None
    title: str = ""
    """og:title, else <title>: what the page says its article is called."""
    og_title: str = ""
    html_title: str = ""
    lang: str | None = None
    """Declared language code, None when the page does not say."""


def page_titles(root: etree._Element) -> tuple[str, str]:
    """The page's og:title and <title> text, whitespace-collapsed ("" where absent)."""
    head = root.find("head")
    if head is None:
        return "", ""
    og = ""
    for meta in head.iter("meta"):
        if meta.get("property") == "og:title" and meta.get("content"):
            og = " ".join(meta.get("content").split())
            break
    title = head.find("title")
    return og, " ".join((title.text or "").split()) if title is not None else ""


def declared_lang(root: etree._Element) -> str | None:
    """The language the page declares (<html lang>, else Content-Language), as "en", "zh"..."""
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        head = root.find("head")
        for meta in head.iter("meta") if head is not None else ():
            if (meta.get("http-equiv") or "").lower() == "content-language":
                value = meta.get("content")
                break
    code = (value or "").strip().split(",")[0].replace("_", "-").split("-")[0].lower()
    return code if LANG_CODE_RE.fullmatch(code) else None


def normalize_charset(label: str | None) -> str | None:
    """Map a declared charset label to the Python codec a browser would really use."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = CHARSET_ALIASES.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return CHARSET_ALIASES.get(codec, codec)


def sniff_declared_charset(data: bytes, config: Config = DEFAULT_CONFIG) -> str | None:
    """Find the charset the page declares in an XML declaration or a <meta> tag."""
    head = data[: config.meta_sniff_bytes]
    match = XML_DECL_RE.match(head) or META_CHARSET_RE.search(head)
    return normalize_charset(match.group(1).decode("ascii")) if match else None


def _decode_tolerant(data: bytes, codec: str, config: Config) -> str | None:
    """Decode with a declared codec, accepting a few broken sequences as real pages have."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = data.decode(codec, errors="replace")
    broken = text.count("\ufffd")
    return text if broken <= max(16, config.max_replacement_share * len(text)) else None


def _check_binary(data: bytes, where: str) -> None:
    """Refuse images, archives and other binaries with a message naming what they are."""
    for magic, what in BINARY_MAGIC:
        if data.startswith(magic):
            raise NotHTMLError(f"{where}: input is {what}, not HTML")
    sample = data[:BINARY_SAMPLE_BYTES]
    controls = len(sample) - len(sample.translate(None, bytes(range(9)) + bytes(range(14, 32))))
    if controls > MAX_CONTROL_SHARE * len(sample):
        raise NotHTMLError(f"{where}: input looks binary ({controls} control bytes in the "
                           f"first {len(sample)}), not HTML")


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of mostly ASCII markup has a zero byte in every other position."""
    if len(sample) < 16:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.2 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.2 * len(odd):
        return "utf-16-be"
    return None


def _detect(data: bytes, config: Config) -> str | None:
    """Guess the charset of an undeclared non-UTF-8 page from a sample of its bytes."""
    from charset_normalizer import from_bytes  # imported here: only undeclared pages need it

    best = from_bytes(data[: config.detect_sample_bytes]).best()
    return normalize_charset(best.encoding) if best is not None else None


def decode(
    data: bytes, *, encoding: str | None = None, config: Config = DEFAULT_CONFIG,
    where: str = "<input>",
) -> tuple[str, str]:
    """Bytes to text and the codec used: BOM, then transport or declared charset, then detection.

    `encoding` is the charset the transport announced (HTTP header, WARC record). A page
    that is valid UTF-8 wins over a declared single-byte charset, because such declarations
    are often stale while a false UTF-8 match on legacy text is vanishingly rare.
    """
    for bom, codec in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec
    utf16 = _utf16_without_bom(data[:BINARY_SAMPLE_BYTES])
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    _check_binary(data, where)
    declared = normalize_charset(encoding) or sniff_declared_charset(data, config)
    if declared and declared != "utf-8":
        if declared.startswith(SINGLE_BYTE_PREFIXES) and not data.isascii():
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        text = _decode_tolerant(data, declared, config)
        if text is not None:
            return text, declared
    text = _decode_tolerant(data, "utf-8", config)
    if text is not None and (declared == "utf-8" or "\ufffd" not in text):
        return text, "utf-8"
    detected = _detect(data, config)
    if detected:
        text = _decode_tolerant(data, detected, config)
        if text is not None:
            return text, detected
    return data.decode("cp1252", errors="replace"), "cp1252(fallback)"


def _warn_if_cut(parser: etree.HTMLParser) -> None:
    """libxml2 stops at nesting deeper than MAX_PARSE_DEPTH and drops the rest: say so."""
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT":
            warnings.warn(f"markup nested deeper than {MAX_PARSE_DEPTH:,} elements; the "
                          "parser stopped there and the rest of the page is lost",
                          BoilerplateWarning, stacklevel=3)
            return


def _strip_tag_prefixes(root: etree._Element) -> None:
    """XHTML written with a namespace prefix (<x:p>) parses as tag "x:p": use the local name."""
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and ":" in tag:
            local = tag.rsplit(":", 1)[1].lower()
            if LOCAL_NAME_RE.fullmatch(local):  # "x:" or "x:1a" stay as they are
                element.tag = local


def _new_parser() -> etree.HTMLParser:
    """A fresh parser per page: parsers keep state and are not safe to share across threads."""
    return etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, huge_tree=True,
        no_network=True,
    )


def _detach_tail(element: etree._Element) -> None:
    """Hand an element's tail text to what precedes it, so the element can move or go."""
    parent = element.getparent()
    tail = element.tail
    if parent is None or not tail:
        return
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    element.tail = None


def _drop_keep_tail(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it, as a browser hiding it would."""
    parent = element.getparent()
    if parent is None:
        return
    _detach_tail(element)
    parent.remove(element)


SWALLOWED_TITLE_CHARS = 2_000
"""A <title> longer than this, holding markup, on a page with no <body>, never ended: like a
browser, libxml2 reads the rest of the page as its text. Such pages are re-read with the
title closed where its first tag begins (`_close_title`)."""
TITLE_OPEN_RE = re.compile(rb"<title\b[^>]*>", re.IGNORECASE)


def _swallowed_title(root: etree._Element) -> bool:
    title = root.find("head/title")
    text = title.text if title is not None else None
    return (root.find("body") is None and text is not None
            and len(text) > SWALLOWED_TITLE_CHARS and "<" in text)


def _close_title(markup: bytes) -> bytes:
    """The page with `</title>` inserted before the first tag after its unclosed <title>."""
    opened = TITLE_OPEN_RE.search(markup)
    if opened is None:
        return markup
    end = markup.find(b"<", opened.end())
    return markup if end < 0 else markup[:end] + b"</title>" + markup[end:]


HEAD_TAGS = frozenset({"title", "meta", "link", "base", "script", "style", "noscript",
                       "template"})
"""Elements that belong in <head>. A browser ends <head> at any other element and starts the
body there; libxml2 keeps an unknown one (a stray <mbox>) inside <head>, and on a page that
never opens <body> everything after it stays there too."""


def _body_left_in_head(root: etree._Element) -> None:
    """Move what <head> holds from its first element that does not belong there on, bar the
    elements that do, to the start of <body> (made if the page has none), where a browser
    shows it."""
    head = root.find("head")
    if head is None:
        return
    stray = next((c for c in head if isinstance(c.tag, str) and c.tag not in HEAD_TAGS), None)
    if stray is None:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    # Elements that belong in <head> (a <title> after the stray one) stay there.
    moving = [e for e in [stray, *stray.itersiblings()]
              if not (isinstance(e.tag, str) and e.tag in HEAD_TAGS)]
    first_text, body.text = body.text, None
    for at, element in enumerate(moving):
        body.insert(at, element)
    moving[-1].tail = (moving[-1].tail or "") + (first_text or "")


def _merge_second_roots(root: etree._Element) -> None:
    """Fold what libxml2 left after the document's root into its <body>, as a browser does: a
    page whose markup closes </html> and then goes on (a template that pasted the article
    after the footer) gets a second <html> holding the article. (libxml2 opens the root at
    the first markup, so nothing lands before it.) What stays beside the root is empty: lxml
    cannot remove a top-level element."""
    after = [e for e in root.itersiblings() if isinstance(e.tag, str)]
    if not after:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    head = root.find("head")
    for element in after:
        if element.tag != "html":
            body.append(element)
            continue
        _append_text(body, element.text)
        for child in list(element):
            if child.tag == "head":  # its title and meta are never shown; ours come first
                if head is not None:
                    head.extend(list(child))
                _append_text(body, child.tail)
            elif child.tag == "body":
                _append_text(body, child.text)
                body.extend(list(child))
                _append_text(body, child.tail)
            else:
                body.append(child)


def _append_text(parent: etree._Element, text: str | None) -> None:
    """Add `text` at the end of `parent`'s content (its last child's tail, else its text)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def parse(
    data: bytes | str, *, encoding: str | None = None, url: str | None = None,
    config: Config = DEFAULT_CONFIG, where: str = "<input>",
) -> Document:
    """Decode and parse a page, dropping everything a reader never sees.

    Raises a BoilerplateError subclass for empty, binary or oversized input; malformed
    markup is repaired by libxml2's HTML parser. Nesting deeper than libxml2's limit
    (2048 elements with huge_tree) is cut there.
    """
    size = len(data)
    if size > config.max_bytes:
        raise DocumentTooLargeError(
            f"{where}: page is {size:,} bytes, above the limit of {config.max_bytes:,} "
            "(raise max_bytes / --max-bytes to accept it)"
        )
    if isinstance(data, str):
        text, used = data.lstrip("\ufeff"), "str"
    else:
        text, used = decode(data, encoding=encoding, config=config, where=where)
    if not text or text.isspace():
        raise EmptyDocumentError(f"{where}: page is empty")
    if text[:XML_DECL_WINDOW].lstrip().startswith("<?xml"):
        text = XML_DECL_STR_RE.sub("", text, count=1)
    if used == "utf-8" and isinstance(data, bytes) and data[:1] != b"\xef" and (
            "\ufffd" not in text):
        markup = data  # already clean UTF-8: skip encoding the decoded text again
    else:
        markup = text.encode("utf-8", errors="replace")
    markup = markup.translate(None, CONTROL_BYTES)
    parser = _new_parser()
    root = etree.fromstring(markup, parser)
    if root is not None and _swallowed_title(root):
        parser = _new_parser()
        root = etree.fromstring(_close_title(markup), parser)
    _warn_if_cut(parser)
    if root is None:
        raise EmptyDocumentError(f"{where}: page has no markup or text")
    _merge_second_roots(root)
    _body_left_in_head(root)
    if NS_PREFIX_DECL_RE.search(text[: config.meta_sniff_bytes]):
        _strip_tag_prefixes(root)
    found = HIDING_OR_NOSCRIPT(root)
    hiding = [v for v in found if isinstance(v, str)]
    reveal_streamed_segments(root, hiding)
    noscripts = [e for e in found if not isinstance(e, str)]
    rendered = [e for e in noscripts if renders_template(e)]
    etree.strip_elements(root, *(t for t in DROPPED_TAGS if t != "noscript"), with_tail=False)
    keep_or_drop_noscript(root, noscripts, rendered)
    drop_hidden(root, hiding)
    og_title, html_title = page_titles(root)
    return Document(root=root, encoding=used, url=url, title=og_title or html_title,
                    og_title=og_title, html_title=html_title, lang=declared_lang(root))


def drop_hidden(root: etree._Element, hiding: list | None = None) -> None:
    """Remove elements a browser would not show (hidden attribute, display:none inline),
    unless one holds nearly all the page's text: then scripts show it (`HIDDEN_MAJORITY`).

    `hiding` is HIDING_ATTRIBUTES(root), when the caller has it already.
    """
    candidates = []
    for value in HIDING_ATTRIBUTES(root) if hiding is None else hiding:
        element = value.getparent()
        if (element is not None and element is not root and element.get(value.attrname) is not None
                and (value.attrname == "hidden" or HIDING_STYLE_RE.search(value))):
            candidates.append(element)
    if not candidates:
        return
    total = TEXT_LENGTH(root)
    shown: set = set()
    for element in candidates:
        if element.getparent() is None:
            continue
        outer = root
        if shown:  # else one inside a dropped element cannot hold more than it did
            for outer in element.iterancestors():
                if outer in shown:
                    break
            if outer is not root and outer not in shown:
                continue  # inside an element already dropped
        if outer is root:
            size = TEXT_LENGTH(element)
            if size >= SHOWN_MIN_CHARS and size > HIDDEN_MAJORITY * total:
                shown.add(element)
                continue
        _drop_keep_tail(element)


def reveal_streamed_segments(root: etree._Element, hiding: list) -> None:
    """Show the hidden segments a streaming server sends after the page shell, where its
    script would put them: a Next.js page can hold its whole article in one.

    `hiding` is HIDING_ATTRIBUTES(root): the segments are among its `hidden` attributes.
    """
    segments = {}
    for value in hiding:
        if value.attrname == "hidden":
            element = value.getparent()
            if STREAM_SEGMENT_RE.fullmatch(element.get("id", "")):
                segments[element.get("id")] = element
    if not segments:
        return
    targets = {}
    for script in root.iter("script"):
        for first, second in STREAM_CALL_RE.findall(script.text or ""):
            segment, slot = (first, second) if first.startswith("S:") else (second, first)
            targets[segment] = slot
    slots = {e.get("id"): e for e in root.iter("template") if e.get("id")}
    for name, segment in segments.items():
        slot = slots.get(targets.get(name, "B:" + name[2:]))
        if slot is None:
            slot = slots.get("P:" + name[2:])
        if slot is not None and slot.getparent() is not None and not _contains(segment, slot):
            _detach_tail(segment)
            slot.addnext(segment)
        del segment.attrib["hidden"]


def _contains(element: etree._Element, other: etree._Element) -> bool:
    return any(a is element for a in other.iterancestors())


def renders_template(noscript: etree._Element) -> bool:
    """Whether a <noscript> follows a markup template script (TEMPLATE_SCRIPT_TYPES) and holds
    enough text to be its rendering rather than an "enable JavaScript" notice."""
    before = noscript.getprevious()
    return (before is not None and before.tag == "script"
            and (before.get("type") or "").strip().lower() in TEMPLATE_SCRIPT_TYPES
            and TEXT_LENGTH(noscript) >= SHOWN_MIN_CHARS)


def keep_or_drop_noscript(root: etree._Element, found: list, rendered: list = ()) -> None:
    """Drop <noscript> like any script fallback, unless it holds most of the page's text:
    some sites (forums) send the readable page there and build the visible one in script.
    The `rendered` ones (`renders_template`) are kept in any case.

    `found` is the page's <noscript> elements, found before scripts and styles were dropped.
    """
    for element in rendered:
        element.tag = "div"  # shown as an ordinary container
    found = [e for e in found if e.getparent() is not None and e.tag == "noscript"]
    if not found:
        return
    inside = sum(TEXT_LENGTH(e) for e in found)
    if inside >= SHOWN_MIN_CHARS and inside > NOSCRIPT_MAJORITY * TEXT_LENGTH(root):
        etree.strip_tags(root, "noscript")
        return
    etree.strip_elements(root, "noscript", with_tail=False)
