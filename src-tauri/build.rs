//! Generates Tauri's context at build time and one `allow-<command>` permission per app
//! command, so the capability file can grant exactly the commands the UI uses.

const COMMANDS: &[&str] = &[
    "startup_info",
    "survey_unlock",
    "survey_lock",
    "catalog",
    "home_summary",
    "list_entries",
    "form_spec",
    "record_new",
    "record_open",
    "record_check",
    "record_save",
    "romanise",
    "parse_coords",
    "ref_search",
    "ref_lookup",
    "record_history",
    "quality_report",
    "record_quality",
    "finding_override",
    "unlock_slots",
    "members_list",
    "member_add",
    "passphrase_change",
    "review_queue",
    "review_accept",
    "review_return",
    "returned_list",
    "record_review",
    "media_list",
    "media_attach",
    "map_layers",
    "map_records",
    "basemap_add",
];

fn main() {
    let attrs = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attrs) {
        panic!("tauri build step failed: {e:#}");
    }
}
