export const greeting: string = "hello from the bundle";
