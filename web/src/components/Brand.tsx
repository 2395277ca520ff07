import { Group, Text } from '@mantine/core';

export function BrandMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--mantine-color-brand-6)" />
      <path d="M9 22V13M16 22V9M23 22v-6" stroke="#fff" strokeWidth="3.2" strokeLinecap="round" />
    </svg>
  );
}

/** The product name with its mark; `inverted` for dark or brand-coloured backgrounds. */
export function Brand({ size = 'lg', inverted = false }: { size?: 'md' | 'lg' | 'xl'; inverted?: boolean }) {
  const mark = { md: 26, lg: 30, xl: 40 }[size];
  return (
    <Group gap={10} wrap="nowrap">
      {inverted ? (
        <svg width={mark} height={mark} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
          <rect width="32" height="32" rx="8" fill="rgba(255,255,255,0.16)" />
          <path d="M9 22V13M16 22V9M23 22v-6" stroke="#fff" strokeWidth="3.2" strokeLinecap="round" />
        </svg>
      ) : (
        <BrandMark size={mark} />
      )}
      <Text
        component="span"
        fw={750}
        fz={size}
        lh={1}
        c={inverted ? 'white' : undefined}
        style={{ letterSpacing: '-0.02em' }}
      >
        iPerform
      </Text>
    </Group>
  );
}
