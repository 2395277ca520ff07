import { describe, expect, it } from 'vitest';
import { formatBytes, ordered } from './files.format';
import type { Folder } from './files.queries';

const folder = (id: string, parentId: string | null, name = id): Folder => ({
  id,
  parentId,
  name,
  allowedRoles: null,
  allowedUserIds: null,
  allowedTeamIds: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
});

describe('formatBytes', () => {
  it('says sizes as people read them', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
    expect(formatBytes(1024 ** 3)).toBe('1.0 GB');
  });
});

describe('ordered', () => {
  it('lays folders out as a tree, children under their parent, in the order given', () => {
    const tree = ordered([folder('a', null), folder('b', 'a'), folder('c', null), folder('d', 'b')]);
    expect(tree.map(({ folder, depth }) => `${folder.id}${depth}`)).toEqual(['a0', 'b1', 'd2', 'c0']);
  });

  it('puts a folder whose parent is hidden from this person at the top', () => {
    expect(ordered([folder('b', 'hidden')]).map(({ depth }) => depth)).toEqual([0]);
  });
});
