// Vite's `?raw` suffix imports a file's text; the tests use it to read project files.
declare module "*?raw" {
  const text: string;
  export default text;
}
