//! The issuance act: the paper copy of a qualified certificate Russian centres hand out, a
//! one-page A4 PDF with the certificate's data in human terms (owner, INN, SNILS, serial,
//! validity, issuer, key medium, the public key's fingerprint) and lines for the owner's and the
//! centre's signatures. Set in a TrueType font with Cyrillic (DejaVu Sans in the Debian package
//! `fonts-dejavu-core`) embedded whole, with a ToUnicode map so the text can be copied and
//! searched. Pure: the font's bytes come from the caller.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use podpis_pki::Certificate;
use podpis_pki::cades::DigestAlgorithm;
use podpis_pki::subject::SubjectInfo;
use podpis_store::{Application, Centre, IssuedCertificate};

use crate::applications::{Medium, Status};
use crate::centres::internal;
use crate::moscow_time;
use crate::{Error, Lang, Missing, Portal, Principal, Result};

/// The usual place of DejaVu Sans on Debian.
pub const DEFAULT_ACT_FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// A4, in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;

/// The lines of the act: (label, value); an empty label is a heading.
fn lines(cert: &IssuedCertificate, centre: &Centre, medium: &str) -> Result<Vec<(String, String)>> {
    let parsed = Certificate::from_der(&cert.der).map_err(internal)?;
    let info = SubjectInfo::from_attributes(&parsed.subject()).unwrap_or_default();
    let spki = der::Encode::to_der(parsed.x509().tbs_certificate().subject_public_key_info())
        .map_err(internal)?;
    let fingerprint = hex::encode_upper(DigestAlgorithm::Streebog256.digest(&spki));
    let grouped: Vec<String> = fingerprint
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    let algorithm = podpis_pki::oid::algorithm_name(&parsed.public_key_algorithm())
        .unwrap_or("?")
        .to_owned();
    let medium = match medium {
        "token" => "ключевой носитель (токен) владельца",
        "p12" => "файл PKCS#12 (.p12), защищённый паролем",
        "cloud" => "облачный ключ в хранилище портала (PIN-код владельца)",
        _ => "не указан",
    };
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let mut out = vec![
        ("".into(), "Сведения о владельце".into()),
        ("Владелец".into(), cert.subject.clone()),
        ("ИНН".into(), or_dash(&info.inn)),
        ("СНИЛС".into(), or_dash(&info.snils)),
    ];
    if let Some(org) = &info.organization {
        out.push(("Организация".into(), org.clone()));
        out.push(("ОГРН".into(), or_dash(&info.ogrn)));
        out.push(("ИНН организации".into(), or_dash(&info.inn_le)));
    }
    if let Some(ogrnip) = &info.ogrnip {
        out.push(("ОГРНИП".into(), ogrnip.clone()));
    }
    out.extend([
        ("".into(), "Сведения о сертификате".into()),
        ("Серийный номер".into(), cert.serial.clone()),
        ("Действует с".into(), moscow_time(cert.not_before, Lang::Ru)),
        ("Действует по".into(), moscow_time(cert.not_after, Lang::Ru)),
        ("Алгоритм ключа".into(), algorithm),
        ("Носитель ключа".into(), medium.into()),
        (
            "Отпечаток ключа".into(),
            format!("Стрибог-256: {}", grouped[..8].join(" ")),
        ),
        ("".into(), grouped[8..].join(" ")),
        ("".into(), "Удостоверяющий центр".into()),
        ("Издатель".into(), centre.name.clone()),
        (
            "ИНН / ОГРН".into(),
            format!("{} / {}", centre.inn, centre.ogrn),
        ),
        ("Адрес".into(), centre.address.clone()),
    ]);
    Ok(out)
}

/// The font, parsed: its glyphs for the characters used, their widths.
struct Font<'a> {
    face: ttf_parser::Face<'a>,
    bytes: &'a [u8],
}

impl<'a> Font<'a> {
    fn new(bytes: &'a [u8]) -> Result<Self> {
        let face = ttf_parser::Face::parse(bytes, 0)
            .map_err(|e| Error::Internal(format!("the act's font is not a TrueType font: {e}")))?;
        if face.glyph_index('Ж').is_none() {
            return Err(Error::Internal(
                "the act's font has no Cyrillic letters".into(),
            ));
        }
        Ok(Self { face, bytes })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// The width of glyph `g` in thousandths of the font size.
    fn width(&self, g: u16) -> f32 {
        let advance = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(g))
            .unwrap_or(0);
        f32::from(advance) * 1000.0 / f32::from(self.face.units_per_em())
    }

    /// `text` as the glyph ids a Tj operator shows (Identity-H: two bytes each).
    fn encode(&self, text: &str) -> Vec<u8> {
        text.chars()
            .flat_map(|c| self.glyph(c).to_be_bytes())
            .collect()
    }
}

/// The act of `cert` (issued by `centre`, its key on `medium`) as a PDF set in `font` (the
/// bytes of a TrueType font with Cyrillic).
pub fn issuance_act(
    cert: &IssuedCertificate,
    centre: &Centre,
    medium: &str,
    font: &[u8],
) -> Result<Vec<u8>> {
    one_page_pdf(
        font,
        &[
            "Бумажная копия квалифицированного сертификата",
            "ключа проверки электронной подписи (акт выдачи)",
        ],
        &lines(cert, centre, medium)?,
        &[
            "Сертификат и ключ получил, сведения в сертификате верны:",
            "Владелец сертификата  ____________________ / ____________________ /",
            "Уполномоченное лицо удостоверяющего центра  ______________ / ______________ /",
            "Дата выдачи: «____» ______________ 20____ г.          М. П.",
        ],
    )
}

/// A one-page A4 PDF set in `font` (a TrueType font with Cyrillic, embedded): the `title`
/// lines, then `body` as (label, value) lines — an empty label with a value that starts with a
/// letter is a heading, one with any other value continues the line above — and the `footer`
/// lines, spaced for handwriting.
pub(crate) fn one_page_pdf(
    font: &[u8],
    title: &[&str],
    body: &[(String, String)],
    footer: &[&str],
) -> Result<Vec<u8>> {
    let font = Font::new(font)?;
    let signatures = footer;

    let mut used: Vec<char> = title
        .iter()
        .chain(signatures.iter())
        .flat_map(|s| s.chars())
        .chain(body.iter().flat_map(|(l, v)| l.chars().chain(v.chars())))
        .collect();
    used.sort_unstable();
    used.dedup();

    let mut content = Content::new();
    let mut y = PAGE.1 - MARGIN;
    let text = |content: &mut Content, x: f32, y: f32, size: f32, s: &str| {
        content
            .begin_text()
            .set_font(Name(b"F1"), size)
            .next_line(x, y)
            .show(Str(&font.encode(s)))
            .end_text();
    };
    for line in title {
        text(&mut content, MARGIN, y, 14.0, line);
        y -= 20.0;
    }
    y -= 14.0;
    for (label, value) in body {
        if label.is_empty() && value.chars().next().is_some_and(char::is_alphabetic) {
            y -= 8.0;
            text(&mut content, MARGIN, y, 12.0, value);
            y -= 18.0;
            continue;
        }
        text(&mut content, MARGIN, y, 10.0, label);
        text(&mut content, MARGIN + 130.0, y, 10.0, value);
        y -= 15.0;
    }
    y -= 30.0;
    for line in signatures {
        text(&mut content, MARGIN, y, 10.0, line);
        y -= 28.0;
    }
    let content = content.finish();

    let catalog = Ref::new(1);
    let pages = Ref::new(2);
    let page = Ref::new(3);
    let type0 = Ref::new(4);
    let cid = Ref::new(5);
    let descriptor = Ref::new(6);
    let file = Ref::new(7);
    let cmap = Ref::new(8);
    let stream = Ref::new(9);
    let base = Name(b"DejaVuSans");
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(pages);
    pdf.pages(pages).kids([page]).count(1);
    let mut p = pdf.page(page);
    p.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
    p.parent(pages);
    p.contents(stream);
    p.resources().fonts().pair(Name(b"F1"), type0);
    p.finish();
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let mut glyphs: Vec<u16> = used.iter().map(|&c| font.glyph(c)).collect();
    glyphs.sort_unstable();
    glyphs.dedup();
    let mut c = pdf.cid_font(cid);
    c.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(font.width(0))
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = c.widths();
    for &g in &glyphs {
        widths.consecutive(g, [font.width(g)]);
    }
    widths.finish();
    c.finish();
    let bbox = font.face.global_bounding_box();
    let scale = 1000.0 / f32::from(font.face.units_per_em());
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(font.face.ascender()) * scale)
        .descent(f32::from(font.face.descender()) * scale)
        .cap_height(f32::from(font.face.capital_height().unwrap_or(700)) * scale)
        .stem_v(80.0)
        .font_file2(file);
    let compressed = deflate(font.bytes);
    pdf.stream(file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), font.bytes.len() as i32);
    let mut unicode = UnicodeCmap::new(Name(b"Podpis-UTF16"), system);
    for &ch in &used {
        unicode.pair(font.glyph(ch), ch);
    }
    pdf.cmap(cmap, &unicode.finish());
    pdf.stream(stream, &content);
    Ok(pdf.finish())
}

/// `bytes` compressed with zlib (FlateDecode).
fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6)
}

impl Portal {
    /// The issuance act of application `id`'s certificate, for its applicant or the centre's
    /// operators; `font` is a TrueType font with Cyrillic ([`DEFAULT_ACT_FONT`]).
    pub async fn application_act(&self, who: &Principal, id: &str, font: &[u8]) -> Result<Vec<u8>> {
        let (application, cert): (Application, IssuedCertificate) = {
            let mut tx = self.store.read().await?;
            let application = self.visible_application(&mut tx, who, id).await?;
            let serial = application.serial.clone().filter(|_| {
                matches!(
                    Status::from_name(&application.status),
                    Some(Status::Issued | Status::Closed)
                )
            });
            let Some(serial) = serial else {
                return Err(Error::conflict(
                    "Сертификат по этому заявлению ещё не выпущен.",
                    "No certificate has been issued for this application yet.",
                ));
            };
            let cert = tx
                .certificate(&application.centre_id, &serial)
                .await?
                .ok_or(Error::NotFound(Missing::Certificate))?;
            (application, cert)
        };
        let centre = self.centre(&application.centre_id).await?;
        let medium = serde_json::from_str::<crate::ApplicationForm>(&application.form)
            .map(|f| f.medium)
            .unwrap_or(Medium::Token);
        issuance_act(&cert, &centre, medium.name(), font)
    }
}
