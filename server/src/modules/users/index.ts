/**
 * The public face of the users module: what other modules may use. Anything not exported here is the
 * module's own; another module never reaches into its files (npm run check holds this).
 */

export type { Permission, Role } from './roles.ts';
export { can, permissions, roleMatrix, roles } from './roles.ts';
export {
  activeAdmins,
  emailTaken,
  findUser,
  findVisibleUser,
  insertUser,
  subtreeOf,
  visibleTo as userVisibleTo,
} from './users.repository.ts';
export { RoleInfo, RoleName, User } from './users.schemas.ts';
export { listUsers, toUser } from './users.service.ts';
