// Types of the part of node-gost-crypto (a CommonJS port of Rudolf Nickolaev's WebCrypto GOST)
// that library.ts uses: the synchronous engine's GOST R 34.11-2012 digest and GOST R 34.10-2012
// signature. The package ships no types of its own.
declare module "node-gost-crypto" {
  type Bytes = ArrayBuffer | Uint8Array;

  interface GostDigestAlgorithm {
    name: "GOST R 34.11";
    version: 2012;
    length: 256 | 512;
  }

  interface GostSignAlgorithm {
    name: "GOST R 34.10";
    version: 2012;
    length: 256 | 512;
    namedCurve: string;
    hash?: { name: "GOST R 34.11" };
    procreator?: "CP";
    ukm?: ArrayBuffer;
  }

  interface GostDigest {
    digest(data: Bytes): ArrayBuffer;
  }

  interface GostSign {
    sign(privateKey: Bytes, data: Bytes): ArrayBuffer;
    verify(publicKey: Bytes, signature: Bytes, data: Bytes): boolean;
    generateKey(): { privateKey: ArrayBuffer; publicKey: ArrayBuffer };
  }

  interface GostEngine {
    getGostDigest(algorithm: GostDigestAlgorithm): GostDigest;
    getGostSign(algorithm: GostSignAlgorithm): GostSign;
  }

  const library: { gostEngine: GostEngine };
  export default library;
}
