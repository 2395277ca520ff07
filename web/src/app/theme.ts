import {
  Badge,
  Card,
  createTheme,
  type MantineColorsTuple,
  Modal,
  Paper,
  PasswordInput,
  Select,
  Table,
  TextInput,
} from '@mantine/core';

/** The iPerform blue: confident, readable on white, and distinct from the red/green used for status. */
const brand: MantineColorsTuple = [
  '#ecf0ff',
  '#d6ddfc',
  '#aab8f4',
  '#7b91ed',
  '#546fe6',
  '#3b5ae3',
  '#2d4fe2',
  '#2040c9',
  '#1838b4',
  '#0a2f9f',
];

export const theme = createTheme({
  primaryColor: 'brand',
  primaryShade: { light: 6, dark: 5 },
  colors: { brand },
  defaultRadius: 'md',
  cursorType: 'pointer',
  fontFamily:
    'Inter, ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: {
    fontWeight: '650',
    sizes: {
      h1: { fontSize: '1.75rem', lineHeight: '1.25' },
      h2: { fontSize: '1.375rem', lineHeight: '1.3' },
      h3: { fontSize: '1.125rem', lineHeight: '1.35' },
    },
  },
  components: {
    Card: Card.extend({ defaultProps: { withBorder: true, radius: 'lg', padding: 'lg' } }),
    Paper: Paper.extend({ defaultProps: { radius: 'lg' } }),
    Badge: Badge.extend({ defaultProps: { variant: 'light', radius: 'sm' } }),
    Modal: Modal.extend({
      defaultProps: { radius: 'lg', centered: true, overlayProps: { backgroundOpacity: 0.45, blur: 2 } },
    }),
    Table: Table.extend({ defaultProps: { verticalSpacing: 'sm', horizontalSpacing: 'md' } }),
    // Labels stay exactly "Email", "Password"...: a " *" in the label text would be read out and break exact lookups.
    TextInput: TextInput.extend({ defaultProps: { withAsterisk: false } }),
    // A closed dropdown is unmounted: kept hidden in the page, its listbox would also answer to the field's label.
    Select: Select.extend({ defaultProps: { withAsterisk: false, comboboxProps: { keepMounted: false } } }),
    // The toggle's default name ("Toggle password visibility") would also answer to a search for the "Password" field.
    PasswordInput: PasswordInput.extend({
      defaultProps: {
        withAsterisk: false,
        visibilityToggleButtonProps: { 'aria-label': 'Show or hide what you typed' },
      },
    }),
  },
});
