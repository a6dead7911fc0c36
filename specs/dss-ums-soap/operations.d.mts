/** The 30 operations of §4.1 of the guide's chapter 4, in section order: the contract. */
export declare const OPERATIONS: readonly string[];
/** The chapter's list of functions as printed: 29 names. */
export declare const LISTED: readonly string[];
