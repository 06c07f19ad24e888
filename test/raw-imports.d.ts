// Vite's `?raw` imports (a file's text), used by Worker tests to read corpus files: workerd has no fs.
declare module "*?raw" {
  const text: string;
  export default text;
}
