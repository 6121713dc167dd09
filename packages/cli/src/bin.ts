declare const __CONSORTIUM_VERSION__: string;
console.log(__CONSORTIUM_VERSION__);
