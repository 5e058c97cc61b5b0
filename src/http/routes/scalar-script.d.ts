// Scalar's browser bundle, bundled as text by the wrangler rule in wrangler.toml (type "Text").
declare module "*/standalone.js" {
  const script: string;
  export default script;
}
