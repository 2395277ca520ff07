import { Button, Card, Code, CopyButton, Flex, Group, Stack, Text, Title } from '@mantine/core';
import { IconCheck, IconCode, IconCopy } from '@tabler/icons-react';
import type { WebForm } from '../settings.types';
import classes from './FormEditor.module.css';

function CopyAction({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Button
          onClick={copy}
          variant={copied ? 'filled' : 'light'}
          color={copied ? 'teal' : 'brand'}
          leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
          aria-label={label}
          style={{ flex: 'none' }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

/** What a website needs: the snippet to paste, and the address it posts to (for a form of one's own). */
export function EmbedCard({ form, dirty }: { form: WebForm; dirty: boolean }) {
  return (
    <Card p={{ base: 'md', sm: 'lg' }}>
      <Group gap="xs" mb={4}>
        <IconCode size={20} stroke={1.7} />
        <Title order={3}>Put it on your website</Title>
      </Group>
      <Text size="sm" c="dimmed" mb="md">
        Paste the snippet into any page. It works without JavaScript too, and carries a hidden trap for spam bots.
        {dirty ? ' It shows the form as last saved: save your changes first.' : ''}
      </Text>
      <Stack gap="md">
        <div>
          <Text size="sm" fw={500} mb={6}>
            Submit URL
          </Text>
          <Flex gap="xs" direction={{ base: 'column', xs: 'row' }} align="stretch">
            <Code block className={classes.url} data-testid="form-submit-url">
              {form.submitUrl}
            </Code>
            <CopyAction value={form.submitUrl} label="Copy the submit URL" />
          </Flex>
          <Text size="xs" c="dimmed" mt={4}>
            Accepts JSON or a form post from any site; the answer is your thank-you text.
          </Text>
        </div>
        <div>
          <Group justify="space-between" mb={6}>
            <Text size="sm" fw={500}>
              HTML snippet
            </Text>
            <CopyAction value={form.embedHtml} label="Copy the HTML snippet" />
          </Group>
          <Code block className={classes.snippet} data-testid="form-embed-html">
            {form.embedHtml}
          </Code>
        </div>
      </Stack>
    </Card>
  );
}
