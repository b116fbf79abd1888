// The only module that calls Tauri's `invoke`. Every command is typed with the bindings
// that ts-rs generates from the Rust DTOs (ui/src/api/bindings), so a renamed field on the
// Rust side breaks `tsc` here instead of failing silently at run time.
import { invoke } from '@tauri-apps/api/core';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import type { CatalogDto } from './bindings/CatalogDto';
import type { ErrorDto } from './bindings/ErrorDto';
import type { FindingDto } from './bindings/FindingDto';
import type { FormSpec } from './bindings/FormSpec';
import type { HistoryEntry } from './bindings/HistoryEntry';
import type { HomeSummary } from './bindings/HomeSummary';
import type { ListFilter } from './bindings/ListFilter';
import type { ListPage } from './bindings/ListPage';
import type { MapLayers } from './bindings/MapLayers';
import type { MediaDto } from './bindings/MediaDto';
import type { OpenedRecord } from './bindings/OpenedRecord';
import type { RecordDto } from './bindings/RecordDto';
import type { RefHit } from './bindings/RefHit';
import type { RomanDto } from './bindings/RomanDto';
import type { SaveOutcome } from './bindings/SaveOutcome';
import type { StartupInfo } from './bindings/StartupInfo';
import type { SurveyInfo } from './bindings/SurveyInfo';
import type { CoordsDto } from './bindings/CoordsDto';
import type { BasemapDto } from './bindings/BasemapDto';
import type { QualityReportDto } from './bindings/QualityReportDto';
import type { OverrideDto } from './bindings/OverrideDto';
import type { UnlockSlots } from './bindings/UnlockSlots';
import type { MemberDto } from './bindings/MemberDto';
import type { NewMemberDto } from './bindings/NewMemberDto';
import type { QueueItemDto } from './bindings/QueueItemDto';
import type { ReviewDto } from './bindings/ReviewDto';
import type { ReviewCommentDto } from './bindings/ReviewCommentDto';
import type { ReturnedItemDto } from './bindings/ReturnedItemDto';

export type * from './bindings/CatalogDto';
export type * from './bindings/CategoryDto';
export type * from './bindings/CategoryProgress';
export type * from './bindings/EntryStatus';
export type * from './bindings/ErrorDto';
export type * from './bindings/FieldSpec';
export type * from './bindings/FindingDto';
export type * from './bindings/FormSpec';
export type * from './bindings/GeometryDto';
export type * from './bindings/GroupDto';
export type * from './bindings/HistoryEntry';
export type * from './bindings/HomeSummary';
export type * from './bindings/ListFilter';
export type * from './bindings/ListPage';
export type * from './bindings/ListRow';
export type * from './bindings/MapLayers';
export type * from './bindings/MediaDto';
export type * from './bindings/MessageDto';
export type * from './bindings/OpenedRecord';
export type * from './bindings/RecordDto';
export type * from './bindings/RefHit';
export type * from './bindings/RomanDto';
export type * from './bindings/SaveOutcome';
export type * from './bindings/StartupInfo';
export type * from './bindings/StatusCounts';
export type * from './bindings/SurveyInfo';
export type * from './bindings/TemplateDto';
export type * from './bindings/CoordsDto';
export type * from './bindings/BasemapDto';
export type * from './bindings/QualityReportDto';
export type * from './bindings/QualityFindingDto';
export type * from './bindings/QualityGroupDto';
export type * from './bindings/SeverityCountsDto';
export type * from './bindings/CoverageGapDto';
export type * from './bindings/CoverageReasonDto';
export type * from './bindings/OverrideDto';
export type * from './bindings/SlotDto';
export type * from './bindings/UnlockSlots';
export type * from './bindings/MemberDto';
export type * from './bindings/NewMemberDto';
export type * from './bindings/QueueItemDto';
export type * from './bindings/QueueOverrideDto';
export type * from './bindings/ReviewDto';
export type * from './bindings/ReviewCommentDto';
export type * from './bindings/ReturnedItemDto';

/** Turns whatever a rejected invoke carries into the `{code, message, params}` shape. */
export function asError(e: unknown): ErrorDto {
  if (e && typeof e === 'object' && 'code' in e) return e as ErrorDto;
  return { code: 'ipc.error', message: String(e), params: {} };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw asError(e);
  }
}

export const api = {
  startupInfo: () => call<StartupInfo>('startup_info'),
  unlock: (path: string, passphrase: string, create: boolean, member: string | null) =>
    call<SurveyInfo>('survey_unlock', { path, passphrase, create, member }),
  unlockSlots: (path: string) => call<UnlockSlots>('unlock_slots', { path }),
  members: () => call<MemberDto[]>('members_list'),
  memberAdd: (member: NewMemberDto) => call<MemberDto>('member_add', { member }),
  passphraseChange: (passphrase: string) => call<void>('passphrase_change', { passphrase }),
  reviewQueue: (limit: number) => call<QueueItemDto[]>('review_queue', { limit }),
  reviewAccept: (ids: string[], note: string | null) => call<ReviewDto[]>('review_accept', { ids, note }),
  reviewReturn: (id: string, comments: ReviewCommentDto[]) => call<ReviewDto>('review_return', { id, comments }),
  returned: (limit: number) => call<ReturnedItemDto[]>('returned_list', { limit }),
  recordReview: (id: string) => call<ReviewDto | null>('record_review', { id }),
  lock: () => call<void>('survey_lock'),
  catalog: () => call<CatalogDto>('catalog'),
  homeSummary: () => call<HomeSummary>('home_summary'),
  listEntries: (filter: ListFilter, offset: number, limit: number) =>
    call<ListPage>('list_entries', { filter, offset, limit }),
  formSpec: (templateId: string) => call<FormSpec>('form_spec', { templateId }),
  recordNew: (templateId: string) => call<OpenedRecord>('record_new', { templateId }),
  recordOpen: (id: string) => call<OpenedRecord>('record_open', { id }),
  recordCheck: (record: RecordDto) => call<FindingDto[]>('record_check', { record }),
  recordSave: (record: RecordDto, complete: boolean) =>
    call<SaveOutcome>('record_save', { record, complete }),
  romanise: (name: string, templateId: string, adminCode: string | null) =>
    call<RomanDto>('romanise', { name, templateId, adminCode }),
  parseCoords: (text: string) => call<CoordsDto>('parse_coords', { text }),
  refSearch: (query: string, templates: string[]) =>
    call<RefHit[]>('ref_search', { query, templates }),
  refLookup: (ids: string[]) => call<RefHit[]>('ref_lookup', { ids }),
  history: (id: string) => call<HistoryEntry[]>('record_history', { id }),
  qualityReport: () => call<QualityReportDto>('quality_report'),
  recordQuality: (id: string) => call<FindingDto[]>('record_quality', { id }),
  findingOverride: (recordId: string, rule: string, path: string, reason: string) =>
    call<OverrideDto>('finding_override', { recordId, rule, path, reason }),
  mediaList: (recordId: string) => call<MediaDto[]>('media_list', { recordId }),
  mediaAttach: (recordId: string, fileName: string, base64: string) =>
    call<MediaDto>('media_attach', { recordId, fileName, base64 }),
  mapLayers: () => call<MapLayers>('map_layers'),
  mapRecords: () => call<GeoJSON.FeatureCollection>('map_records'),
  basemapAdd: (path: string) => call<BasemapDto>('basemap_add', { path }),
};

/**
 * The native file dialog (tauri-plugin-dialog): the chosen path, or null when cancelled.
 * `create` asks for a new file name instead of an existing file. Typing a path stays
 * possible everywhere the dialog is offered.
 */
export async function chooseFile(filterName: string, extensions: string[], create = false): Promise<string | null> {
  const filters = [{ name: filterName, extensions }];
  try {
    const r = create ? await saveDialog({ filters }) : await openDialog({ multiple: false, directory: false, filters });
    return typeof r === 'string' ? r : null;
  } catch (e) {
    throw asError(e);
  }
}
