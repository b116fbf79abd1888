//! The survey area's reference data for the app (townships for the list filter, county
//! outlines and the Yellow River for the map). Until toponym-reference lands on main this
//! answers with empty layers, so the app works without them.

use std::collections::HashSet;

use serde_json::json;

use super::dto::*;
use super::AppError;

/// Townships (乡级) of the given 6-digit counties.
pub fn townships_of(_counties: &HashSet<String>) -> Vec<TownshipDto> {
    Vec::new()
}

/// Reference layers for the map.
pub fn map_layers() -> Result<MapLayers, AppError> {
    let empty = json!({ "type": "FeatureCollection", "features": [] });
    Ok(MapLayers {
        boundaries: empty.clone(),
        rivers: empty,
        bbox: None,
    })
}
