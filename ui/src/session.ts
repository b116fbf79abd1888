// The member signed in (from the unlock answer): the navigation shows the review queue to
// a reviewer and the returned records to a registrar.
import { signal } from './signal';
import type { MemberDto } from './api';

export const me = signal<MemberDto | null>(null);
