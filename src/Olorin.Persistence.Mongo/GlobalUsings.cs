// The namespaces most files of this project use, imported once (CODE-STYLE W2: file headers were the most repeated lines).
global using MongoDB.Bson;
global using MongoDB.Driver;
global using Olorin.Core.Errors;
global using Olorin.Core.Models;
global using Olorin.Core.Paging;
global using Olorin.Core.Ports;
global using Olorin.Core.Serialization;
