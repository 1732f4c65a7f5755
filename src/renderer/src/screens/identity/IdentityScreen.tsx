export function IdentityScreen() { return null; }
