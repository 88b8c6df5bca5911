#!/usr/bin/env python3
"""Group files for scripts/near-search.c.
usage: near-groups.py v k r n c f [opts...] > group.txt
points (i,x) -> i*n+x for i<c, x in Z_n, then f fixed points c*n..v-1.
Generators: x -> x+1 in every component, plus
  mM      multiplier x -> M*x in every component (M a unit mod n)
  rot     (i,x) -> (i+1 mod c, x)
  rotS    (i,x) -> (i+1 mod c, x + S*(i==c-1)) (component shift with twist S)
  fixswap swap fixed points in pairs (f even) -- combined with the shift generator
  swapF   transposition of the first two fixed points as separate generator
"""
import sys
v,k,r,n,c,f=map(int,sys.argv[1:7]); opts=sys.argv[7:]
assert n*c+f==v
P=lambda i,x:i*n+(x%n)
gens=[]
g=[P(i,x+1) for i in range(c) for x in range(n)]+list(range(c*n,v))
if 'fixswap' in opts:
    g=g[:c*n]+[c*n+(j^1) for j in range(f)]
gens.append(g)
for o in opts:
    if o.startswith('m'):
        M=int(o[1:]); gens.append([P(i,M*x) for i in range(c) for x in range(n)]+list(range(c*n,v)))
    elif o=='rot':
        gens.append([P((i+1)%c,x) for i in range(c) for x in range(n)]+list(range(c*n,v)))
    elif o.startswith('rot') and o[3:]:
        S=int(o[3:]); gens.append([P((i+1)%c,x+(S if i==c-1 else 0)) for i in range(c) for x in range(n)]+list(range(c*n,v)))
    elif o=='swapF':
        gens.append(list(range(c*n))+[c*n+1,c*n]+list(range(c*n+2,v)))
print(v,k,r,len(gens))
for g in gens: print(' '.join(map(str,g)))
