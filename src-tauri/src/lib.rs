//! The Tauri shell of Toponym: window, command adapters and the `basemap://` scheme.
//!
//! Every command is a one-line adapter over `toponym_ops::app`; no domain logic lives
//! here, so everything the window can do is also testable without WebKit. Commands are
//! `async` so they run on Tauri's worker pool and never block the window's main thread.

use std::path::PathBuf;
use std::sync::Mutex;

use tauri::State;
use toponym_desktop::dto::*;
use toponym_desktop::{self as app, AppError, Session};

mod basemap;
mod trace;

/// What the window shares: the unlocked survey (if any) and how the app was started.
pub struct AppState {
    session: Mutex<Option<Session>>,
    startup: StartupInfo,
    basemaps: basemap::Registry,
}

type Res<T> = Result<T, AppError>;

/// Runs `f` on the open session, or fails with `survey.not_unlocked`.
fn with<T>(st: &State<'_, AppState>, f: impl FnOnce(&mut Session) -> Res<T>) -> Res<T> {
    let mut guard = st.session.lock().unwrap_or_else(|e| e.into_inner());
    let s = guard.as_mut().ok_or(AppError::NotUnlocked)?;
    f(s)
}

#[tauri::command]
async fn startup_info(st: State<'_, AppState>) -> Res<StartupInfo> {
    Ok(st.startup.clone())
}

#[tauri::command]
async fn survey_unlock(
    st: State<'_, AppState>,
    path: String,
    passphrase: String,
    create: bool,
    member: Option<String>,
) -> Res<SurveyInfo> {
    let s = Session::unlock_as(&PathBuf::from(path), member.as_deref(), &passphrase, create)?;
    let info = s.info();
    *st.session.lock().unwrap_or_else(|e| e.into_inner()) = Some(s);
    Ok(info)
}

#[tauri::command]
async fn survey_lock(st: State<'_, AppState>) -> Res<()> {
    st.session.lock().unwrap_or_else(|e| e.into_inner()).take();
    Ok(())
}

#[tauri::command]
async fn catalog(st: State<'_, AppState>) -> Res<CatalogDto> {
    with(&st, |s| s.catalog())
}

#[tauri::command]
async fn home_summary(st: State<'_, AppState>) -> Res<HomeSummary> {
    with(&st, |s| s.home_summary())
}

#[tauri::command]
async fn list_entries(
    st: State<'_, AppState>,
    filter: ListFilter,
    offset: u32,
    limit: u32,
) -> Res<ListPage> {
    with(&st, |s| s.list_entries(&filter, offset, limit))
}

#[tauri::command]
async fn form_spec(st: State<'_, AppState>, template_id: String) -> Res<FormSpec> {
    with(&st, |s| s.form_spec(&template_id))
}

#[tauri::command]
async fn record_new(st: State<'_, AppState>, template_id: String) -> Res<OpenedRecord> {
    with(&st, |s| s.record_new(&template_id))
}

#[tauri::command]
async fn record_open(st: State<'_, AppState>, id: String) -> Res<OpenedRecord> {
    with(&st, |s| s.record_open(&id))
}

#[tauri::command]
async fn record_check(st: State<'_, AppState>, record: RecordDto) -> Res<Vec<FindingDto>> {
    with(&st, |s| s.record_check(&record))
}

#[tauri::command]
async fn record_save(
    st: State<'_, AppState>,
    record: RecordDto,
    complete: bool,
) -> Res<SaveOutcome> {
    with(&st, |s| s.record_save(record, complete))
}

#[tauri::command]
async fn romanise(
    st: State<'_, AppState>,
    name: String,
    template_id: String,
    admin_code: Option<String>,
) -> Res<RomanDto> {
    with(&st, |s| {
        Ok(s.romanise(&name, &template_id, admin_code.as_deref()))
    })
}

#[tauri::command]
async fn parse_coords(text: String) -> Res<CoordsDto> {
    Ok(app::parse_coords(&text))
}

#[tauri::command]
async fn ref_search(
    st: State<'_, AppState>,
    query: String,
    templates: Vec<String>,
) -> Res<Vec<RefHit>> {
    with(&st, |s| s.ref_search(&query, &templates))
}

#[tauri::command]
async fn ref_lookup(st: State<'_, AppState>, ids: Vec<String>) -> Res<Vec<RefHit>> {
    with(&st, |s| s.ref_lookup(&ids))
}

#[tauri::command]
async fn record_history(st: State<'_, AppState>, id: String) -> Res<Vec<HistoryEntry>> {
    with(&st, |s| s.history(&id))
}

#[tauri::command]
async fn quality_report(st: State<'_, AppState>) -> Res<app::quality::QualityReportDto> {
    with(&st, |s| s.quality_report())
}

#[tauri::command]
async fn record_quality(st: State<'_, AppState>, id: String) -> Res<Vec<FindingDto>> {
    with(&st, |s| s.record_quality(&id))
}

#[tauri::command]
async fn finding_override(
    st: State<'_, AppState>,
    record_id: String,
    rule: String,
    path: String,
    reason: String,
) -> Res<app::quality::OverrideDto> {
    with(&st, |s| {
        s.finding_override(&record_id, &rule, &path, &reason)
    })
}

#[tauri::command]
async fn unlock_slots(path: String) -> Res<app::people::UnlockSlots> {
    app::unlock_slots(&PathBuf::from(path))
}

#[tauri::command]
async fn members_list(st: State<'_, AppState>) -> Res<Vec<app::people::MemberDto>> {
    with(&st, |s| s.members())
}

#[tauri::command]
async fn member_add(
    st: State<'_, AppState>,
    member: app::people::NewMemberDto,
) -> Res<app::people::MemberDto> {
    with(&st, |s| s.member_add(&member))
}

#[tauri::command]
async fn passphrase_change(st: State<'_, AppState>, passphrase: String) -> Res<()> {
    with(&st, |s| s.passphrase_change(&passphrase))
}

#[tauri::command]
async fn review_queue(st: State<'_, AppState>, limit: u32) -> Res<Vec<app::people::QueueItemDto>> {
    with(&st, |s| s.review_queue(limit))
}

#[tauri::command]
async fn review_accept(
    st: State<'_, AppState>,
    ids: Vec<String>,
    note: Option<String>,
) -> Res<Vec<app::people::ReviewDto>> {
    with(&st, |s| s.review_accept(&ids, note.as_deref()))
}

#[tauri::command]
async fn review_return(
    st: State<'_, AppState>,
    id: String,
    comments: Vec<app::people::ReviewCommentDto>,
) -> Res<app::people::ReviewDto> {
    with(&st, |s| s.review_return(&id, &comments))
}

#[tauri::command]
async fn returned_list(
    st: State<'_, AppState>,
    limit: u32,
) -> Res<Vec<app::people::ReturnedItemDto>> {
    with(&st, |s| s.returned(limit))
}

#[tauri::command]
async fn record_review(st: State<'_, AppState>, id: String) -> Res<Option<app::people::ReviewDto>> {
    with(&st, |s| s.record_review(&id))
}

#[tauri::command]
async fn media_list(st: State<'_, AppState>, record_id: String) -> Res<Vec<MediaDto>> {
    with(&st, |s| s.media_list(&record_id))
}

#[tauri::command]
async fn media_attach(
    st: State<'_, AppState>,
    record_id: String,
    file_name: String,
    base64: String,
) -> Res<MediaDto> {
    with(&st, |s| {
        s.media_attach_base64(&record_id, &file_name, &base64)
    })
}

/// The reference layers are public data bundled with the app, not survey data, so the
/// window may load them before unlocking (it prepares the form's map meanwhile).
#[tauri::command]
async fn map_layers() -> Res<MapLayers> {
    app::map_layers()
}

#[tauri::command]
async fn map_records(st: State<'_, AppState>) -> Res<serde_json::Value> {
    with(&st, |s| s.map_records())
}

#[tauri::command]
async fn basemap_add(st: State<'_, AppState>, path: String) -> Res<BasemapDto> {
    st.basemaps.add(&PathBuf::from(path))
}

/// The survey to offer on the unlock screen: `--survey <path>` or `TOPONYM_SURVEY`.
fn startup_from_env() -> StartupInfo {
    let mut args = std::env::args().skip(1);
    let mut survey = std::env::var("TOPONYM_SURVEY")
        .ok()
        .filter(|s| !s.is_empty());
    while let Some(a) = args.next() {
        if a == "--survey" {
            survey = args.next();
        } else if let Some(v) = a.strip_prefix("--survey=") {
            survey = Some(v.to_owned());
        }
    }
    StartupInfo {
        survey_path: survey,
        recent: app::recent_surveys(),
        min_passphrase_chars: toponym_ops::survey::MIN_PASSPHRASE_CHARS as u32,
    }
}

/// WebKitGTK's DMA-BUF renderer is built for a GPU's render node. Without one (software
/// rendering: laptops without a working GPU driver, virtual machines, this project's CI)
/// it held back the unlock screen's frames by 0.2–2 s in about half of all launches, and
/// the cold start with it (docs/benchmarks/app.md); WebKit's older renderer has no such
/// stall and still gives MapLibre its WebGL. So without a render node the older renderer
/// is chosen, unless the surveyor's environment already says either way. Must run before
/// GTK or WebKit start.
fn choose_webkit_renderer() {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    if !cfg!(target_os = "linux") || std::env::var_os(VAR).is_some() {
        return;
    }
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    if !render_node {
        std::env::set_var(VAR, "1");
    }
}

/// Builds and runs the app until the window closes.
pub fn run() {
    choose_webkit_renderer();
    trace::init();
    let state = AppState {
        session: Mutex::new(None),
        startup: startup_from_env(),
        basemaps: basemap::Registry::default(),
    };
    let handler: Box<dyn Fn(tauri::ipc::Invoke<tauri::Wry>) -> bool + Send + Sync> =
        Box::new(tauri::generate_handler![
            startup_info,
            survey_unlock,
            survey_lock,
            catalog,
            home_summary,
            list_entries,
            form_spec,
            record_new,
            record_open,
            record_check,
            record_save,
            romanise,
            parse_coords,
            ref_search,
            ref_lookup,
            record_history,
            quality_report,
            record_quality,
            finding_override,
            unlock_slots,
            members_list,
            member_add,
            passphrase_change,
            review_queue,
            review_accept,
            review_return,
            returned_list,
            record_review,
            media_list,
            media_attach,
            map_layers,
            map_records,
            basemap_add,
        ]);
    let app = tauri::Builder::default()
        .manage(state)
        .setup(|_| {
            trace::mark("tauri setup hook (windows from the config created)");
            Ok(())
        })
        .on_page_load(|_, payload| {
            trace::mark(&format!(
                "page load {:?}: {}",
                payload.event(),
                payload.url()
            ));
        })
        .plugin(tauri_plugin_dialog::init())
        .register_uri_scheme_protocol("basemap", |ctx, request| {
            let st: State<'_, AppState> = tauri::Manager::state(ctx.app_handle());
            st.basemaps.serve(&request)
        })
        .invoke_handler(move |invoke| {
            trace::mark_first(&format!("first IPC call: {}", invoke.message.command()));
            handler(invoke)
        })
        .build(tauri::generate_context!());
    trace::mark("tauri app built");
    let result = app.map(|app| {
        app.run(|_, event| {
            if let tauri::RunEvent::Ready = event {
                trace::mark("event loop ready");
            }
        })
    });
    if let Err(e) = result {
        eprintln!("toponym-app: cannot start the window: {e}");
        std::process::exit(1);
    }
}
