import { Card, Group, Stack, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import type { EmailPreview } from './messaging.types';

/** An email's HTML, isolated: no scripts, no access to the app, links open in a new tab. */
export function HtmlFrame({ html, title }: { html: string; title: string }) {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><base target="_blank"><style>body{font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;margin:12px;color:#1a1b1e;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${html}</body></html>`;
  return (
    <iframe
      title={title}
      srcDoc={doc}
      sandbox="allow-popups allow-popups-to-escape-sandbox"
      style={{ width: '100%', minHeight: 320, border: 0, background: 'white', borderRadius: 8 }}
    />
  );
}

function Row({ label, value }: { label: string; value: string }) {
  return (
    <Group gap="xs" wrap="nowrap" align="flex-start">
      <Text size="sm" c="dimmed" w={64} style={{ flex: 'none' }}>
        {label}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
    </Group>
  );
}

/** The email as it will go out: recipients, rendered subject, and both parts. */
export function EmailPreviewPane({
  preview,
  to,
  cc,
  bcc,
}: {
  preview: EmailPreview;
  to: string[];
  cc: string[];
  bcc: string[];
}) {
  const [tab, setTab] = useState<string | null>(preview.html ? 'html' : 'text');
  return (
    <Stack gap="sm">
      <Stack gap={4}>
        <Row label="To" value={to.join(', ') || '—'} />
        {cc.length > 0 && <Row label="Cc" value={cc.join(', ')} />}
        {bcc.length > 0 && <Row label="Bcc" value={bcc.join(', ')} />}
        <Row label="Subject" value={preview.subject} />
      </Stack>
      <Card p={0} withBorder radius="md">
        <Tabs value={tab} onChange={setTab}>
          <Tabs.List px="xs">
            {preview.html && <Tabs.Tab value="html">HTML</Tabs.Tab>}
            <Tabs.Tab value="text">Plain text</Tabs.Tab>
          </Tabs.List>
          {preview.html && (
            <Tabs.Panel value="html">
              <HtmlFrame html={preview.html} title="Rendered email" />
            </Tabs.Panel>
          )}
          <Tabs.Panel value="text">
            <Text
              size="sm"
              p="md"
              style={{
                whiteSpace: 'pre-wrap',
                overflowWrap: 'anywhere',
                fontFamily: 'var(--mantine-font-family-monospace)',
              }}
            >
              {preview.text}
            </Text>
          </Tabs.Panel>
        </Tabs>
      </Card>
    </Stack>
  );
}
