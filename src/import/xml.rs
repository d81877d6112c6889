//! Streaming an export one record at a time: quick-xml reads the file in a small buffer, and
//! only the element being imported (a WordPress `<item>`, an Atom `<entry>`) is held in memory
//! as a little tree, so a 100 MB export imports in bounded memory.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// One element of a record: its qualified name as written (`wp:post_type`), attributes,
/// text (entities and CDATA resolved) and child elements.
#[derive(Debug, Default, Clone)]
pub struct Node {
    /// `wp:post_type`, `content:encoded`, `entry`.
    pub name: String,
    /// Attributes, values unescaped.
    pub attributes: Vec<(String, String)>,
    /// Text directly inside this element.
    pub text: String,
    /// Child elements in order.
    pub children: Vec<Node>,
    /// Byte offset in the file where the element starts (set on records), for messages;
    /// [`lines_of`] turns offsets into lines.
    pub offset: u64,
}

impl Node {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`, trimmed; empty when absent.
    pub fn text_of(&self, name: &str) -> String {
        self.child(name).map(|c| c.text.trim().to_string()).unwrap_or_default()
    }

    /// An attribute's value.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A malformed export: the message and the 1-based line and column where the parser stopped.
#[derive(Debug)]
pub struct XmlError {
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column (in characters) on that line.
    pub column: usize,
    /// What the parser said.
    pub message: String,
}

/// Reads `path` and calls `record` with every element named `record_name` (at any depth),
/// and the root element's name first via `root`. Stops at the first error.
pub fn stream(
    path: &Path,
    record_name: &str,
    root: &mut dyn FnMut(&str),
    record: &mut dyn FnMut(Node) -> Result<(), String>,
) -> Result<(), XmlError> {
    let file = File::open(path).map_err(|e| XmlError { line: 1, column: 1, message: format!("cannot read: {e}") })?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::with_capacity(64 * 1024, file));
    reader.config_mut().expand_empty_elements = true;
    let mut buffer = Vec::new();
    // The record being built: a stack of open elements inside it.
    let mut open: Vec<Node> = Vec::new();
    let mut depth = 0usize;
    // Names of the open elements are checked by quick-xml (`check_end_names`, on by default).
    reader.config_mut().check_end_names = true;
    let at = |offset: u64, message: String| {
        let (line, column) = line_and_column(path, offset);
        XmlError { line, column, message }
    };
    let fail = |reader: &quick_xml::Reader<BufReader<File>>, message: String| at(reader.buffer_position(), message);
    let mut root_closed = false;
    loop {
        let before = reader.buffer_position();
        let event = reader.read_event_into(&mut buffer).map_err(|e| {
            let message = format!("not well-formed XML: {e}");
            at(reader.error_position(), message)
        })?;
        match event {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if root_closed {
                    return Err(at(
                        before,
                        format!("not well-formed XML: an element <{name}> after the end of the root element"),
                    ));
                }
                if depth == 0 {
                    root(&name);
                }
                depth += 1;
                if !open.is_empty() || name == record_name {
                    let attributes = attributes_of(&start).map_err(|e| fail(&reader, e))?;
                    open.push(Node { name, attributes, offset: before, ..Node::default() });
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                root_closed |= depth == 0;
                if let Some(done) = open.pop() {
                    match open.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => record(done).map_err(|message| fail(&reader, message))?,
                    }
                }
            }
            ref event if root_closed && is_text(event) => {
                return Err(at(before, "not well-formed XML: text after the end of the root element".into()));
            }
            Event::Text(text) => {
                if let Some(node) = open.last_mut() {
                    node.text.push_str(&text.decode().map_err(|e| fail(&reader, e.to_string()))?);
                }
            }
            Event::CData(data) => {
                if let Some(node) = open.last_mut() {
                    node.text.push_str(&data.decode().map_err(|e| fail(&reader, e.to_string()))?);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(node) = open.last_mut() {
                    push_reference(&mut node.text, &reference).map_err(|e| fail(&reader, e))?;
                }
            }
            Event::Eof => return at_end(depth, root_closed).map_err(|message| fail(&reader, message)),
            _ => {}
        }
        buffer.clear();
    }
}

/// Text that is not only white space: after the root element, a sign of a damaged file.
fn is_text(event: &Event<'_>) -> bool {
    match event {
        Event::Text(text) => !text.iter().all(u8::is_ascii_whitespace),
        Event::CData(_) | Event::GeneralRef(_) => true,
        _ => false,
    }
}

/// The end of the file: fine only after the root element closed.
fn at_end(depth: usize, root_closed: bool) -> Result<(), String> {
    if depth > 0 {
        return Err("the file ends before its elements are closed (a truncated export?)".into());
    }
    if !root_closed {
        return Err("the file has no root element".into());
    }
    Ok(())
}

/// The attributes of an element, values unescaped.
fn attributes_of(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, String> {
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
        let value = attribute.normalized_value(XmlVersion::Implicit1_0).map_err(|e| e.to_string())?.into_owned();
        attributes.push((key, value));
    }
    Ok(attributes)
}

/// Appends what a character or entity reference stands for; XML knows five named entities.
fn push_reference(text: &mut String, reference: &BytesRef<'_>) -> Result<(), String> {
    if let Some(c) = reference.resolve_char_ref().map_err(|e| e.to_string())? {
        text.push(c);
        return Ok(());
    }
    let name = reference.decode().map_err(|e| e.to_string())?;
    text.push_str(match name.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        other => return Err(format!("unknown entity `&{other};`")),
    });
    Ok(())
}

/// The 1-based line and column (in characters) of a byte offset of `path`.
pub fn line_and_column(path: &Path, offset: u64) -> (usize, usize) {
    use std::io::Read;
    let line = lines_of(path, &[offset])[0];
    let Ok(file) = File::open(path) else { return (line, 1) };
    // The column: characters from the last line break before `offset`.
    let mut column = 1;
    let limit = usize::try_from(offset).unwrap_or(usize::MAX);
    for byte in BufReader::new(file).bytes().take(limit) {
        let Ok(byte) = byte else { break };
        if byte == b'\n' {
            column = 1;
        } else if byte & 0xC0 != 0x80 {
            column += 1;
        }
    }
    (line, column)
}

/// The 1-based lines of byte offsets of `path`, in one pass over the file.
pub fn lines_of(path: &Path, offsets: &[u64]) -> Vec<usize> {
    use std::io::Read;
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut lines = vec![1; offsets.len()];
    let Ok(mut file) = File::open(path) else { return lines };
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut position, mut newlines, mut next) = (0u64, 0usize, 0usize);
    let count = |bytes: &[u8]| bytes.iter().filter(|&&b| b == b'\n').count();
    while next < order.len() {
        let got = match file.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buffer[..got];
        while next < order.len() && offsets[order[next]] < position + got as u64 {
            let within = usize::try_from(offsets[order[next]] - position).unwrap_or(got).min(got);
            lines[order[next]] = 1 + newlines + count(&chunk[..within]);
            next += 1;
        }
        newlines += count(chunk);
        position += got as u64;
    }
    for &i in &order[next..] {
        lines[i] = 1 + newlines;
    }
    lines
}
