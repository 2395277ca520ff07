import { Center, Loader } from '@mantine/core';
import { type ComponentType, lazy, Suspense } from 'react';

/** What a page shows while its code loads: a quiet spinner where the page will be. */
export function PageLoading() {
  return (
    <Center py={80} aria-busy="true">
      <Loader aria-label="Loading page" />
    </Center>
  );
}

/**
 * A page whose code is fetched the first time it is opened (its own chunk of the bundle), with a spinner until
 * then. `load` imports the page's module; `name` is its exported component.
 */
export function lazyPage<M extends Record<string, unknown>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): ComponentType {
  const Page = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  function LazyPage() {
    return (
      <Suspense fallback={<PageLoading />}>
        <Page />
      </Suspense>
    );
  }
  LazyPage.displayName = `Lazy(${name})`;
  return LazyPage;
}
