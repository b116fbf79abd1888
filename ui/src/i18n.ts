// Language of the UI: Simplified Chinese by default, English as a setting. Messages from
// the core arrive as a stable code plus parameters and are translated here; when a code is
// not in this table yet, the core's own Chinese or English text is shown instead, so a new
// rule in a core crate never reaches the surveyor as a bare code.
import { signal } from './signal';
import type { MessageDto, ErrorDto } from './api';
import { codes as catalogue } from './messages';

export type Lang = 'zh' | 'en';

const stored = (() => {
  try {
    return localStorage.getItem('toponym.lang');
  } catch {
    return null;
  }
})();

export const lang = signal<Lang>(stored === 'en' ? 'en' : 'zh');

export function setLang(l: Lang) {
  lang.set(l);
  try {
    localStorage.setItem('toponym.lang', l);
  } catch {
    /* storage may be unavailable; the setting then lasts for this session */
  }
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
}

type Dict = Record<string, [zh: string, en: string]>;

/** UI strings, keyed by a stable id. */
const ui: Dict = {
  'app.title': ['地名普查', 'Place-name census'],
  'nav.home': ['首页', 'Home'],
  'nav.list': ['调查目录', 'Investigation list'],
  'nav.map': ['地图', 'Map'],
  'nav.lock': ['锁定', 'Lock'],
  'nav.language': ['语言', 'Language'],
  'unlock.title': ['打开普查数据', 'Open a survey'],
  'unlock.path': ['普查文件', 'Survey file'],
  'unlock.passphrase': ['口令', 'Passphrase'],
  'unlock.open': ['解锁', 'Unlock'],
  'unlock.create': ['新建普查文件', 'Create a new survey file'],
  'unlock.recent': ['最近打开', 'Recent'],
  'unlock.busy': ['正在解锁（派生密钥）…', 'Unlocking (deriving the key)…'],
  'unlock.min_hint': ['新口令至少 {min} 个字符。', 'A new passphrase needs at least {min} characters.'],
  'unlock.member': ['成员', 'Member'],
  'unlock.member_choose': ['请选择以谁的身份打开', 'Choose who is opening it'],
  'unlock.as': ['以 {name}（{role}）身份打开', 'Opening as {name} ({role})'],
  'role.registrar': ['登记人', 'Registrar'],
  'role.reviewer': ['审核人', 'Reviewer'],
  'nav.review': ['审核', 'Review'],
  'nav.members': ['成员', 'Members'],
  'nav.me': ['{name}（{role}）', '{name} ({role})'],
  'review.title': ['待审核', 'Waiting for review'],
  'review.empty': ['没有待审核的记录。', 'No records are waiting for review.'],
  'review.count': ['共 {n} 条待审核', '{n} waiting for review'],
  'review.findings': ['质量问题', 'Findings'],
  'review.no_findings': ['没有质量问题。', 'No findings.'],
  'review.overrides': ['已接受的警告', 'Accepted warnings'],
  'review.returned_before': ['曾于 {at} 被 {who} 退回', 'Returned by {who} on {at}'],
  'review.record': ['记录内容', 'The record'],
  'review.registrar': ['登记人', 'Registrar'],
  'review.accept': ['审核通过', 'Accept'],
  'review.return': ['退回修改', 'Return for correction'],
  'review.comment_record': ['对整条记录的意见', 'Comment on the record'],
  'review.comment_fields': ['对字段的意见', 'Comments on fields'],
  'review.pick_field': ['选择字段', 'Choose a field'],
  'review.add_comment': ['添加字段意见', 'Add a field comment'],
  'review.remove_comment': ['删除', 'Remove'],
  'review.accepted': ['已审核通过：{name}', 'Accepted: {name}'],
  'review.returned_ok': ['已退回修改：{name}', 'Returned for correction: {name}'],
  'review.busy': ['正在签署…', 'Signing…'],
  'review.back': ['返回待审核列表', 'Back to the queue'],
  'review.comment': ['审核意见', 'Reviewer\'s comment'],
  'review.comments_title': ['审核人 {who} 于 {at} 退回修改', 'Returned for correction by {who} on {at}'],
  'review.fix_hint': ['请按审核意见修改后重新标记完成，记录将回到待审核列表。', 'Correct as commented, then mark complete again: the record goes back to the review queue.'],
  'returned.title': ['退回修改的记录', 'Records returned for correction'],
  'returned.open': ['打开修改', 'Open and correct'],
  'members.title': ['普查成员', 'Survey members'],
  'members.name': ['姓名', 'Name'],
  'members.role': ['角色', 'Role'],
  'members.unit': ['工作单位', 'Unit'],
  'members.fingerprint': ['密钥指纹', 'Key fingerprint'],
  'members.added': ['加入时间', 'Added'],
  'members.removed': ['已移除', 'removed'],
  'members.me': ['（本人）', ' (you)'],
  'members.add': ['添加审核人', 'Add a reviewer'],
  'members.add_submit': ['添加', 'Add'],
  'members.pass': ['口令', 'Passphrase'],
  'members.pass2': ['再次输入口令', 'Passphrase again'],
  'members.mismatch': ['两次输入的口令不一致。', 'The two passphrases differ.'],
  'members.added_ok': ['已添加成员：{name}', 'Member added: {name}'],
  'members.change': ['修改本人口令', 'Change my passphrase'],
  'members.change_submit': ['修改口令', 'Change passphrase'],
  'members.changed_ok': ['口令已修改，下次解锁请使用新口令。', 'Passphrase changed; use the new one next time.'],
  'members.busy': ['正在派生密钥…', 'Deriving the key…'],
  'home.title': ['普查进度', 'Survey progress'],
  'home.total': ['条目总数', 'Entries'],
  'home.by_category': ['按大类', 'By category'],
  'home.by_template': ['按样表', 'By template'],
  'home.new_record': ['新建登记表', 'New registration form'],
  'home.choose_template': ['选择样表', 'Choose a template'],
  'status.todo': ['待调查', 'To do'],
  'status.draft': ['草稿', 'Draft'],
  'status.complete': ['已完成', 'Complete'],
  'status.reviewed': ['已审核', 'Reviewed'],
  'status.returned': ['退回', 'Returned'],
  'list.category': ['大类', 'Category'],
  'list.template': ['样表', 'Template'],
  'list.township': ['乡镇（街道）', 'Township'],
  'list.status': ['状态', 'Status'],
  'list.search': ['搜索名称或拼音', 'Search name or pinyin'],
  'list.any': ['全部', 'Any'],
  'list.count': ['共 {n} 条', '{n} entries'],
  'list.name': ['标准名称', 'Standard name'],
  'list.roman': ['罗马字母拼写', 'Romanisation'],
  'form.required': ['必填', 'required'],
  'form.add': ['添加', 'Add'],
  'form.remove': ['删除', 'Remove'],
  'form.save_draft': ['保存草稿', 'Save draft'],
  'form.complete': ['标记完成', 'Mark complete'],
  'form.saved_at': ['已自动保存 {t}', 'Saved automatically {t}'],
  'form.saving': ['正在保存…', 'Saving…'],
  'form.unsaved': ['未保存', 'Not saved'],
  'form.refused': [
    '不能标记完成：还有 {n} 个错误或阻断问题未解决。',
    'Cannot mark complete: {n} error or blocker findings are still open.',
  ],
  'form.completed': ['已标记完成。', 'Marked complete.'],
  'form.record_findings': ['记录问题', 'Record findings'],
  'form.roman_suggest': ['建议拼写', 'Suggested'],
  'form.polyphone': ['多音字，请核对读音', 'Polyphone: check the reading'],
  'form.override': ['改写拼写', 'Override'],
  'form.override_reason': ['改写原因（必填）', 'Reason for the override (required)'],
  'form.override_apply': ['应用', 'Apply'],
  'form.override_clear': ['恢复自动拼写', 'Back to generated'],
  'form.ref_search': ['搜索记录…', 'Search records…'],
  'form.coords_hint': ['十进制度或度分秒，经度在前', 'Decimal degrees or DMS, longitude first'],
  'form.photos': ['照片', 'Photos'],
  'form.attach': ['添加照片', 'Attach photo'],
  'form.history': ['修改历史', 'History'],
  'form.geometry': ['空间位置', 'Geometry'],
  'form.back': ['返回目录', 'Back to list'],
  'form.back_quality': ['返回质量检查', 'Back to the quality check'],
  'form.yes': ['是', 'Yes'],
  'form.no': ['否', 'No'],
  'form.none': ['—', '—'],
  'map.draw': ['绘制', 'Draw'],
  'map.finish': ['完成绘制', 'Finish'],
  'map.undo': ['撤销顶点', 'Undo vertex'],
  'map.clear': ['清除', 'Clear'],
  'map.vertices': ['顶点（每行一个：经度, 纬度）', 'Vertices (one per line: lon, lat)'],
  'map.apply_vertices': ['应用坐标', 'Apply coordinates'],
  'map.basemap': ['本地底图文件（MBTiles / PMTiles）', 'Local basemap file (MBTiles / PMTiles)'],
  'map.basemap_add': ['加载底图', 'Add basemap'],
  'map.choose_file': ['选择文件…', 'Choose file…'],
  'map.basemap_loaded': ['已加载底图：{name}', 'Basemap loaded: {name}'],
  'basemap.unreadable': ['文件无法读取', 'the file cannot be read'],
  'basemap.not_tiles': ['不是 MBTiles 或 PMTiles 文件', 'it is neither an MBTiles nor a PMTiles file'],
  'basemap.bad_mbtiles': ['不是可用的 MBTiles 文件', 'it is not a usable MBTiles file'],
  'basemap.vector': ['矢量瓦片需要样式，仅支持栅格底图', 'vector tiles need a style; only raster basemaps are supported'],
  'form.other': ['其他', 'Other'],
  'unlock.choose': ['选择文件…', 'Choose file…'],
  'map.layers': ['县界、黄河、调查记录（乡镇界暂无开放数据）', 'County boundaries, Yellow River, records (no open township outlines yet)'],
  'history.at': ['时间', 'When'],
  'history.actor': ['操作人', 'Who'],
  'history.action': ['操作', 'Action'],
  'history.changes': ['修改内容', 'What changed'],
  'history.empty': ['暂无历史记录', 'No history yet'],
  'geom.point': ['点', 'point'],
  'geom.line': ['线', 'line'],
  'geom.polygon': ['面', 'polygon'],
  'group.identity': ['标识与分类', 'Identity and classification'],
  'group.names': ['名称', 'Names'],
  'group.roman': ['罗马字母拼写与读音', 'Romanisation and pronunciation'],
  'group.time': ['时间与状态', 'Time and status'],
  'group.location': ['位置与空间', 'Location and geometry'],
  'group.narrative': ['相关信息', 'Narrative'],
  'group.provenance': ['登记与审核', 'Provenance and review'],
  'group.template': ['样表专有信息', 'Template fields'],
  'nav.quality': ['质量检查', 'Quality check'],
  'home.quality': ['质量检查', 'Quality check'],
  'home.quality_hint': ['检查整个普查的全部质检规则，按规则和乡镇查看问题', 'Run every quality rule over the whole survey; findings by rule and by township'],
  'home.quality_open': ['打开质量检查', 'Open the quality check'],
  'quality.title': ['质量检查', 'Quality check'],
  'quality.running': ['正在检查全部记录…', 'Checking every record…'],
  'quality.summary': ['{records} 条记录 · 质检方案 {profile} · 检查至“{stage}”阶段', '{records} records · profile {profile} · rules up to the {stage} stage'],
  'quality.rerun': ['重新检查', 'Check again'],
  'quality.by_rule': ['按规则', 'By rule'],
  'quality.by_township': ['按乡镇', 'By township'],
  'quality.severity': ['严重程度', 'Severity'],
  'quality.all': ['全部', 'All'],
  'quality.none': ['没有符合条件的问题。', 'No findings match.'],
  'quality.total': ['问题', 'Findings'],
  'quality.overridden_n': ['其中 {n} 个已说明理由接受', '{n} accepted with a reason'],
  'quality.col.severity': ['严重程度', 'Severity'],
  'quality.col.rule': ['规则', 'Rule'],
  'quality.col.record': ['记录', 'Record'],
  'quality.col.template': ['样表', 'Template'],
  'quality.col.township': ['乡镇', 'Township'],
  'quality.col.field': ['字段', 'Field'],
  'quality.col.message': ['问题说明', 'Message'],
  'quality.survey_wide': ['（调查整体）', '(whole survey)'],
  'quality.coverage': ['未完全检查的规则', 'Rules not (fully) checked'],
  'quality.coverage_hint': ['这些规则因缺少数据或尚未实现而未检查全部记录：', 'These rules could not check every record, for lack of data or an implementation:'],
  'quality.checked_n': ['已检查 {n}', 'checked {n}'],
  'quality.open_record': ['打开记录并定位到字段', 'Open the record at this field'],
  'stage.entry': ['录入', 'entry'],
  'stage.record': ['记录', 'record'],
  'stage.bundle': ['成果包', 'bundle'],
  'sev.BLOCKER': ['阻断', 'Blocker'],
  'sev.ERROR': ['错误', 'Error'],
  'sev.WARNING': ['警告', 'Warning'],
  'sev.INFO': ['提示', 'Info'],
  'findings.title': ['问题清单', 'Findings'],
  'findings.none': ['没有问题。', 'No findings.'],
  'findings.qa_note': ['含质检规则的结果（按已保存的内容，保存后更新）', 'Includes the quality rules (on the saved record, updated after each save)'],
  'override.accept': ['接受并说明理由', 'Accept with reason'],
  'override.accepted': ['已说明理由接受', 'Accepted with a reason'],
  'override.by': ['{actor} · {at}', '{actor} · {at}'],
  'override.title': ['接受警告并说明理由', 'Accept the warning with a reason'],
  'override.explain': [
    '只有“警告”可以由调查员说明理由后接受；接受记录在审计日志中，审核人员仍能看到此警告及理由。错误和阻断问题必须修改。',
    'Only a WARNING can be accepted by the surveyor with a reason; the acceptance goes into the audit log, and reviewers still see the warning with the reason. Errors and blockers must be fixed.',
  ],
  'override.reason': ['理由', 'Reason'],
  'override.placeholder': ['例如：经实地核查，村名确为此字，与1988年地名录一致', 'e.g. checked on site: the village name really has this character, as in the 1988 gazetteer'],
  'override.hint': ['至少 {min} 个字（不计空格），已写 {n} 个。', 'At least {min} characters (spaces not counted); {n} so far.'],
  'override.too_short': ['理由太短：至少需要 {min} 个字（不计空格），现在只有 {n} 个。', 'The reason is too short: it needs at least {min} characters (spaces not counted); it has {n}.'],
  'override.confirm': ['确认接受', 'Accept'],
  'override.cancel': ['取消', 'Cancel'],
  'override.saving': ['正在保存…', 'Saving…'],
  'override.err.override.not_open': ['记录 {id} 上已没有规则 {rule} 在字段 {path} 的未解决问题（可能已修改）。', 'Record {id} has no open {rule} finding at {path} any more (it may have been fixed).'],
  'override.err.override.not_warning': ['规则 {rule} 在字段 {path} 的问题不是警告，调查员不能接受，必须修改。', 'The {rule} finding at {path} is not a warning; the surveyor cannot accept it, it must be fixed.'],
  'override.err.override.reason_too_short': ['理由太短：至少需要 {min} 个字（不计空格），现在只有 {found} 个。', 'The reason is too short: it needs at least {min} characters (spaces not counted); it has {found}.'],
  'override.err.override.exists': ['此警告已被接受过。', 'This warning has already been accepted.'],
  'history.create': ['新建', 'created'],
  'history.update': ['修改', 'changed'],
  'history.override': ['接受警告', 'accepted a warning'],
};

/** Translations of codes that the core and the app errors send: the shared catalogue. */
const codes: Dict = catalogue;

function fill(s: string, params: Record<string, string | number> | undefined): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

/** A UI string. */
export function t(key: string, params?: Record<string, string | number>): string {
  const e = ui[key];
  if (!e) return key;
  return fill(lang.get() === 'zh' ? e[0] : e[1], params);
}

/** A core message: own translation by code, else the core's text in the current language. */
export function tm(m: MessageDto): string {
  const e = codes[m.code];
  if (e) return fill(lang.get() === 'zh' ? e[0] : e[1], m.params);
  const own = lang.get() === 'zh' ? m.zh : m.en;
  return own || fill(m.code, m.params);
}

/** An error from a command. */
export function te(err: ErrorDto): string {
  const e = codes[err.code];
  // A problem key (e.g. basemap.vector) is translated too; the English detail stays.
  const problem: Record<string, string> =
    err.params?.problem && ui[`basemap.${err.params.problem}`] ? { problem: t(`basemap.${err.params.problem}`) } : {};
  if (e) return fill(lang.get() === 'zh' ? e[0] : e[1], { detail: err.message, ...err.params, ...problem });
  return err.message;
}

/** Picks the label in the current language. */
export function pick(zh: string, en: string): string {
  return lang.get() === 'zh' ? zh || en : en || zh;
}
