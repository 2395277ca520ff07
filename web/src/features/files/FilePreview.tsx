import { Center, Image, Loader, Modal, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../lib/problem';
import { type FileMeta, fileBlob } from './files.queries';

function asDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Opens a PDF the server allows inline in a new tab, from the bytes fetched with the session. */
export async function openPdf(file: FileMeta): Promise<void> {
  const tab = window.open('', '_blank');
  const blob = await fileBlob(file, true);
  const url = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
  if (tab) tab.location.href = url;
  else window.location.assign(url);
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** An image shown in a modal: fetched with the session, shown as a data: URL (the app's CSP allows those). */
export function ImagePreview({ file, onClose }: { file: FileMeta | null; onClose: () => void }) {
  const image = useQuery({
    queryKey: ['files', 'preview', file?.id, file?.version],
    queryFn: async () => asDataUrl(await fileBlob(file as FileMeta, true)),
    enabled: file !== null,
    staleTime: 60_000,
  });
  return (
    <Modal opened={file !== null} onClose={onClose} title={file?.name} size="xl" centered>
      {image.isPending ? (
        <Center h={200}>
          <Loader />
        </Center>
      ) : image.isError ? (
        <Text c="red">{errorMessage(image.error)}</Text>
      ) : (
        <Image src={image.data} alt={file?.name ?? ''} fit="contain" mah="70vh" />
      )}
    </Modal>
  );
}
