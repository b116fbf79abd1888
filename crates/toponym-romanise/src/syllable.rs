//! Pinyin syllables as text: tone marks, the toneless key form, numbered input, and the
//! letter-level rules (R9 tone placement, R11 apostrophe, R14 ü) that every other part uses.
//!
//! Kept apart from the engine so the rules about letters live in one place and can be tested
//! on their own.

/// Strip tone marks, keeping ü (used for the sign form, LÜLIANG).
pub fn strip_tones(s: &str, out: &mut String) {
    for c in s.chars() {
        if !is_combining_tone(c) {
            out.push(base_letter(c));
        }
    }
}

/// Combining tone marks met in rare readings (m̀, ê̄).
fn is_combining_tone(c: char) -> bool {
    matches!(c, '\u{300}' | '\u{301}' | '\u{304}' | '\u{30c}')
}

/// The base letter of a tone-marked vowel (ǚ → ü); other characters unchanged.
pub fn base_letter(c: char) -> char {
    match c {
        'ā' | 'á' | 'ǎ' | 'à' => 'a',
        'ē' | 'é' | 'ě' | 'è' | 'ế' | 'ề' => 'e',
        'ī' | 'í' | 'ǐ' | 'ì' => 'i',
        'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
        'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
        'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' => 'ü',
        'ń' | 'ň' | 'ǹ' => 'n',
        'ḿ' => 'm',
        'Ā' | 'Á' | 'Ǎ' | 'À' => 'A',
        'Ē' | 'É' | 'Ě' | 'È' => 'E',
        'Ī' | 'Í' | 'Ǐ' | 'Ì' => 'I',
        'Ō' | 'Ó' | 'Ǒ' | 'Ò' => 'O',
        'Ū' | 'Ú' | 'Ǔ' | 'Ù' => 'U',
        'Ǖ' | 'Ǘ' | 'Ǚ' | 'Ǜ' => 'Ü',
        other => other,
    }
}

/// The ASCII search-key letter: toneless, lower case, ü written as v (so lü 吕 and lu 卢 stay
/// distinct, and keyboard input "lv" finds it).
pub fn key_push(s: &str, out: &mut String) {
    for c in s.chars() {
        match base_letter(c) {
            'ü' | 'Ü' => out.push('v'),
            'ê' | 'Ê' => out.push('e'),
            b if b.is_ascii_alphanumeric() => out.push(b.to_ascii_lowercase()),
            _ => {}
        }
    }
}

/// Whether a syllable begins with a, o or e, so that inside a word it needs an apostrophe (R11).
pub fn needs_apostrophe(syllable: &str) -> bool {
    matches!(
        syllable.chars().next().map(base_letter),
        Some('a' | 'o' | 'e')
    )
}

/// Whether the text is a plausible pinyin syllable in marked or plain form.
pub fn is_syllable_text(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            let b = base_letter(c);
            b.is_ascii_lowercase() || b == 'ü' || b == 'ê' || is_combining_tone(c)
        })
}

/// Convert numbered pinyin ("shan4", "lv3", "lu:3") to tone-marked form ("shàn", "lǚ"),
/// placing the mark by R9: on a or e; on the o of ou; otherwise on the last vowel.
/// Returns None when the text is not a numbered or plain syllable.
pub fn numbered_to_marked(s: &str) -> Option<String> {
    let lower = s.to_lowercase();
    let (body, tone) = match lower.chars().last() {
        Some(d @ '0'..='5') => (&lower[..lower.len() - 1], d as u8 - b'0'),
        _ => (lower.as_str(), 0),
    };
    let body: String = body.replace("u:", "ü").replace('v', "ü");
    if !is_syllable_text(&body) {
        return None;
    }
    if tone == 0 || tone == 5 {
        return Some(body);
    }
    let chars: Vec<char> = body.chars().collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'ü');
    let target = if let Some(i) = chars.iter().position(|&c| c == 'a' || c == 'e') {
        Some(i)
    } else if let Some(i) = body.find("ou").map(|b| body[..b].chars().count()) {
        Some(i)
    } else {
        chars.iter().rposition(|&c| is_vowel(c))
    };
    let i = target?;
    let marked = mark(chars[i], tone)?;
    let mut out = String::with_capacity(body.len() + 2);
    for (j, &c) in chars.iter().enumerate() {
        out.push(if j == i { marked } else { c });
    }
    Some(out)
}

fn mark(c: char, tone: u8) -> Option<char> {
    let table: [char; 4] = match c {
        'a' => ['ā', 'á', 'ǎ', 'à'],
        'e' => ['ē', 'é', 'ě', 'è'],
        'i' => ['ī', 'í', 'ǐ', 'ì'],
        'o' => ['ō', 'ó', 'ǒ', 'ò'],
        'u' => ['ū', 'ú', 'ǔ', 'ù'],
        'ü' => ['ǖ', 'ǘ', 'ǚ', 'ǜ'],
        _ => return None,
    };
    table.get(usize::from(tone.checked_sub(1)?)).copied()
}

/// Push `s` with its first letter in upper case (R10).
pub fn push_capitalised(s: &str, out: &mut String) {
    let mut it = s.chars();
    if let Some(first) = it.next() {
        out.extend(first.to_uppercase());
        out.push_str(it.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_input_follows_r9_placement() {
        assert_eq!(numbered_to_marked("shan4").as_deref(), Some("shàn"));
        assert_eq!(numbered_to_marked("lv3").as_deref(), Some("lǚ"));
        assert_eq!(numbered_to_marked("gou1").as_deref(), Some("gōu"));
        assert_eq!(numbered_to_marked("liu4").as_deref(), Some("liù"));
        assert_eq!(numbered_to_marked("gui1").as_deref(), Some("guī"));
        assert_eq!(numbered_to_marked("tong").as_deref(), Some("tong"));
        assert_eq!(numbered_to_marked("x1"), None);
        assert_eq!(numbered_to_marked("中"), None);
    }

    #[test]
    fn key_and_apostrophe_letters() {
        let mut k = String::new();
        key_push("Lǚliáng", &mut k);
        assert_eq!(k, "lvliang");
        assert!(needs_apostrophe("ān"));
        assert!(needs_apostrophe("ér"));
        assert!(!needs_apostrophe("nán"));
    }
}
