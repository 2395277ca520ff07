import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = 'http://127.0.0.1:3000';
// '/api/' with its slash: the page /api-keys belongs to the app, not the API.
const proxy = {
  '/api/': apiTarget,
  '/healthz': apiTarget,
};

export default defineConfig({
  base: '/',
  plugins: [react()],
  server: { proxy },
  build: {
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|scheduler)[\\/]/ },
            {
              name: 'mantine',
              test: /node_modules[\\/](@mantine[\\/](?!charts[\\/])|@floating-ui|react-remove-scroll.*|react-number-format|@tabler)/,
            },
            // Charts (Recharts and what it pulls in) load with the reports and the dashboard, not with every page.
            {
              name: 'charts',
              test: /node_modules[\\/](?:@mantine[\\/]charts[\\/](?!styles\.css)|(?:recharts|victory-vendor|d3-[a-z-]+|internmap|@reduxjs|react-redux|redux|redux-thunk|reselect|immer|es-toolkit|decimal\.js-light|eventemitter3|tiny-invariant)[\\/])/,
            },
            { name: 'query', test: /node_modules[\\/](@tanstack|openapi-fetch)[\\/]/ },
          ],
        },
      },
    },
  },
  preview: { proxy },
});
