import { Box, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Brand } from '../../components/Brand';
import classes from './LoginPage.module.css';

/** The frame of the signed-out pages beside sign-in (forgot password, reset password): brand, title, card. */
export function AuthCard({ title, intro, children }: { title: string; intro: ReactNode; children: ReactNode }) {
  return (
    <div className={classes.page} style={{ gridTemplateColumns: '1fr' }}>
      <main className={classes.formSide}>
        <Box className={classes.formBox}>
          <Stack gap={6} mb="xl">
            <Brand size="xl" />
          </Stack>
          <Paper withBorder shadow="sm" p={{ base: 'lg', sm: 'xl' }}>
            <Title order={2} mb={4}>
              {title}
            </Title>
            <Text c="dimmed" size="sm" mb="lg">
              {intro}
            </Text>
            {children}
          </Paper>
        </Box>
      </main>
    </div>
  );
}
