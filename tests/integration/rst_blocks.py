"""The literal blocks of a reStructuredText page, for tests that run a page's commands.

Only the form the project's pages use: a paragraph ending in ``::``, a
blank line, then lines indented deeper than that paragraph's last line.
"""

import collections

#: A literal block: its first line number (1-based) and its text, dedented.
Block = collections.namedtuple("Block", ["line", "text"])

#: How a shell command block starts (its first line), as opposed to a
#: listing (a file tree, a YAML file, an HTTP body).
COMMAND_STARTS = ("openstack ", "export ", "sudo ", "tools/", "nova-manage ", "nova-status ",
                  "pip ", "curl ", "python ", "mkdir ")


def _indent(line):
    return len(line) - len(line.lstrip(" "))


def literal_blocks(path):
    """Return every literal block of the page at ``path`` (list of Block)."""
    lines = path.read_text().splitlines()
    blocks = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.rstrip().endswith("::") or line.strip().startswith(".."):
            index += 1
            continue
        start = index + 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        # The block is what is indented deeper than the "::" paragraph, up
        # to the first line indented less than its own first line.
        if start >= len(lines) or _indent(lines[start]) <= _indent(line):
            index += 1
            continue
        margin = _indent(lines[start])
        end = start
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) >= margin):
            end += 1
        body = [text[margin:] for text in lines[start:end]]
        while body and not body[-1].strip():
            body.pop()
        blocks.append(Block(start + 1, "\n".join(body)))
        index = end
    return blocks


def command_blocks(path):
    """The literal blocks of ``path`` that are shell commands (see COMMAND_STARTS)."""
    return [block for block in literal_blocks(path)
            if block.text.lstrip().startswith(COMMAND_STARTS)]
