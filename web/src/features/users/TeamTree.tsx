import { Anchor, Badge, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { RoleBadge } from '../../components/Badges';
import type { User } from '../../lib/api';
import classes from './TeamTree.module.css';
import { UserAvatar } from './UserAvatar';

export interface TeamNode {
  user: User;
  children: TeamNode[];
}

/**
 * Builds the reporting tree below `rootId` from a flat subtree (each user names its manager). Anyone whose manager
 * is not in the list hangs directly under the root, so nobody the server sent is lost.
 */
export function buildTeamTree(rootId: string, members: readonly User[]): TeamNode[] {
  const byManager = new Map<string, User[]>();
  const ids = new Set(members.map((member) => member.id));
  for (const member of members) {
    const parent = member.managerId && ids.has(member.managerId) ? member.managerId : rootId;
    const siblings = byManager.get(parent) ?? [];
    siblings.push(member);
    byManager.set(parent, siblings);
  }
  // A cycle in bad data must not hang the page: each user is placed once.
  const placed = new Set<string>([rootId]);
  const grow = (managerId: string): TeamNode[] => {
    const reports = (byManager.get(managerId) ?? []).filter((member) => !placed.has(member.id));
    for (const member of reports) placed.add(member.id);
    return reports
      .sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name))
      .map((member) => ({ user: member, children: grow(member.id) }));
  };
  return grow(rootId);
}

export function countNodes(nodes: TeamNode[]): number {
  return nodes.reduce((sum, node) => sum + 1 + countNodes(node.children), 0);
}

function Branch({ nodes, level }: { nodes: TeamNode[]; level: number }) {
  return (
    <ul className={classes.list} aria-label={level === 1 ? 'Team' : undefined} data-level={level}>
      {nodes.map(({ user, children }) => (
        <li key={user.id} className={classes.item}>
          <Group gap="sm" wrap="nowrap" className={classes.row} data-inactive={!user.active || undefined}>
            <UserAvatar name={user.name} role={user.role} size={28} />
            <Anchor component={Link} to={`/users/${user.id}`} size="sm" fw={600} truncate c="var(--mantine-color-text)">
              {user.name}
            </Anchor>
            <RoleBadge role={user.role} />
            {!user.active && (
              <Badge color="gray" variant="outline" size="sm">
                Inactive
              </Badge>
            )}
            {children.length > 0 && (
              <Text size="xs" c="dimmed" visibleFrom="xs" style={{ whiteSpace: 'nowrap' }}>
                {countNodes(children)} below
              </Text>
            )}
          </Group>
          {children.length > 0 && <Branch nodes={children} level={level + 1} />}
        </li>
      ))}
    </ul>
  );
}

export function TeamTree({ nodes }: { nodes: TeamNode[] }) {
  return (
    <div className={classes.tree} data-testid="team-tree">
      <Branch nodes={nodes} level={1} />
    </div>
  );
}
