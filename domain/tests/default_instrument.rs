//! The shipped default instrument must always load.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test helpers fail loudly

use stegvis_domain::instrument::Instrument;
use stegvis_domain::occasion::OccasionKind;

const SOURCE: &str = include_str!("../../instruments/stegvis-bas.toml");

#[test]
fn default_instrument_loads_and_asks_something_at_every_occasion() {
    let instrument = Instrument::from_toml(SOURCE).expect("default instrument is valid");
    assert_eq!(instrument.id, "stegvis-bas");
    for occasion in OccasionKind::ALL {
        assert!(
            !instrument.items_for(occasion).is_empty(),
            "nothing is asked at {occasion}"
        );
    }
}
