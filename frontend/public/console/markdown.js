// A small Markdown renderer for the knowledge editor's preview: headings, paragraphs, lists, quotes,
// **bold**, *italic*, `code` and [links](https://...). It builds DOM nodes (never innerHTML), so an
// article can show no markup or script of its own; only http(s) links become links.

function inline(text, parent) {
  const pattern = /(\*\*([^*]+)\*\*|\*([^*]+)\*|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    parent.append(text.slice(last, m.index));
    if (m[2]) parent.append(Object.assign(document.createElement('strong'), { textContent: m[2] }));
    else if (m[3]) parent.append(Object.assign(document.createElement('em'), { textContent: m[3] }));
    else if (m[4]) parent.append(Object.assign(document.createElement('code'), { textContent: m[4] }));
    else if (/^https?:\/\//i.test(m[6])) {
      parent.append(Object.assign(document.createElement('a'), { textContent: m[5], href: m[6], target: '_blank', rel: 'noopener noreferrer' }));
    } else parent.append(m[5]);
    last = m.index + m[0].length;
  }
  parent.append(text.slice(last));
  return parent;
}

export function renderMarkdown(source) {
  const out = document.createDocumentFragment();
  const blocks = source.replace(/\r\n/g, '\n').split(/\n\s*\n/);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.trim());
    if (!lines.length) continue;
    let list = null;
    let para = null;
    for (const line of lines) {
      const heading = line.match(/^(#{1,6})\s+(.*)$/);
      const item = line.match(/^\s*([-*+]|\d+\.)\s+(.*)$/);
      if (heading) {
        out.append(inline(heading[2], document.createElement(`h${Math.min(6, heading[1].length + 2)}`)));
        list = null;
        para = null;
      } else if (item) {
        const ordered = /\d/.test(item[1]);
        if (!list || list.tagName !== (ordered ? 'OL' : 'UL')) {
          list = document.createElement(ordered ? 'ol' : 'ul');
          out.append(list);
        }
        list.append(inline(item[2], document.createElement('li')));
        para = null;
      } else if (line.startsWith('>')) {
        out.append(inline(line.replace(/^>\s?/, ''), document.createElement('blockquote')));
      } else {
        if (!para) {
          para = document.createElement('p');
          out.append(para);
        } else para.append(document.createElement('br'));
        inline(line, para);
        list = null;
      }
    }
  }
  return out;
}
