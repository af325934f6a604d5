//! QR codes as inline SVG, drawn on the server: the access sheet's link and
//! the two-factor setup's otpauth address. SVG prints sharply at any size and
//! needs no image files.

#[cfg(feature = "ssr")]
use crate::error::AppError;

/// An SVG QR code for `data`, sized by its viewBox so CSS decides the size.
/// The caller supplies the accessible name around it.
#[cfg(feature = "ssr")]
pub fn svg(data: &str) -> Result<String, AppError> {
    use qrcode::render::svg;
    use qrcode::{EcLevel, QrCode};
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| {
        tracing::error!(error = %e, "QR code could not be made");
        AppError::Internal
    })?;
    let image = code
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build();
    Ok(stegvis_charts::inline_svg(&image, "").replacen(
        "<svg",
        "<svg class=\"qr\" aria-hidden=\"true\" focusable=\"false\"",
        1,
    ))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_svg_is_inline_ready_and_scales() {
        let svg = svg("https://stegvis.example/kod?k=ACDE-FGHJ").unwrap();
        assert!(svg.starts_with("<svg class=\"qr\""));
        assert!(svg.contains("viewBox"));
        assert!(!svg.contains("<?xml"));
        let root = &svg[..svg.find('>').unwrap()];
        assert!(!root.contains("width="), "{root}");
    }
}
