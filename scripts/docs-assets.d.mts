export declare const DOCS_ASSET: string;
export declare function writeDocsAssets(): void;
