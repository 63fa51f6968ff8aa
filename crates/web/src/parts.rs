//! Reading a multipart form whole: its text fields and its files.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use podpis_core::Error;

/// The text fields and files of a multipart form.
#[derive(Default)]
pub(crate) struct Parts {
    /// The text fields by name.
    text: HashMap<String, String>,
    /// The files by field name: the file's name and its bytes.
    pub(crate) files: HashMap<String, (Option<String>, Vec<u8>)>,
}

/// The body limit of a route that sets none: axum's default, 2 MiB.
pub(crate) const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

impl Parts {
    /// Reads the whole form. The route's body limit caps it: a form over it is refused as a
    /// file larger than `max_file` bytes (the largest file the form takes), and a form that is
    /// not multipart as one that cannot be read, instead of reading as a form without its file.
    pub(crate) async fn read(mut multipart: Multipart, max_file: usize) -> Result<Self, Error> {
        let refused = |e: MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                let mb = max_file as f64 / (1024.0 * 1024.0);
                Error::Invalid {
                    field: "file",
                    ru: format!("Файл больше {mb:.0} МБ: выберите файл поменьше."),
                    en: format!("The file is larger than {mb:.0} MB: choose a smaller one."),
                }
            } else {
                Error::Invalid {
                    field: "file",
                    ru: format!("Форма не читается: {}.", e.body_text()),
                    en: format!("The form cannot be read: {}.", e.body_text()),
                }
            }
        };
        let mut parts = Parts::default();
        while let Some(field) = multipart.next_field().await.map_err(refused)? {
            let name = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let bytes = field.bytes().await.map_err(refused)?;
                    parts.files.insert(name, (Some(file_name), bytes.to_vec()));
                }
                None => {
                    let text = field.text().await.map_err(refused)?;
                    parts.text.insert(name, text);
                }
            }
        }
        Ok(parts)
    }

    /// The text field `name`, empty when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.text.get(name).map_or("", String::as_str)
    }

    /// The bytes of the file field `name`, if one was chosen.
    pub(crate) fn file(&self, name: &str) -> Option<&[u8]> {
        self.files
            .get(name)
            .map(|(_, bytes)| bytes.as_slice())
            .filter(|b| !b.is_empty())
    }
}
