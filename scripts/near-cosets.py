#!/usr/bin/env python3
"""Group files for near-search.c: a permutation group G acting on a union of coset spaces G/H
(left multiplication), plus F fixed points.
usage: near-cosets.py v k r GROUP H1,H2,... [F] > group.txt
GROUP / subgroups (generators as permutations of a small base set):
  A5  on {0..4}: 1, Z2, Z3, V4, Z5, S3, D5, A4
  S5  on {0..4}: 1, Z2a (transposition), Z2b (double transposition), Z3, Z4, V4, S3, Z5, Z6, D4, D5, A4, F20, S4, A5
  L27 = PSL(2,7) on PG(1,7) = {0..6, inf=7}: 1, Z2, Z3, Z4, S3, V4a, V4b, D4, Z7, F21, A4a, A4b, S4a, S4b
  AGL15 = AGL(1,5) order 20; AGL17 = AGL(1,7) order 42: 1, Z2, Z3, Z6, Z7, F21, D7
  D20 = dihedral of order 40 on Z_20: 1, R (reflection x->-x), R1 (x->1-x), Z2 (x->x+10), Z4, Z5, Z10, Z20
"""
import sys
v,k,r=map(int,sys.argv[1:4]); G=sys.argv[4]; Hs=sys.argv[5].split(','); F=int(sys.argv[6]) if len(sys.argv)>6 else 0
def cyc(n,*cs):
    p=list(range(n))
    for c in cs:
        for i in range(len(c)): p[c[i]]=c[(i+1)%len(c)]
    return tuple(p)
sys.path.insert(0, __import__('os').path.dirname(__file__)); from perm_util import comp, close  # noqa: E402
if G in ('A5','S5'):
    n=5
    sub={'1':[],'Z2':[cyc(5,(0,1),(2,3))],'Z2b':[cyc(5,(0,1),(2,3))],'Z2a':[cyc(5,(0,1))],'Z3':[cyc(5,(0,1,2))],
         'V4':[cyc(5,(0,1),(2,3)),cyc(5,(0,2),(1,3))],'Z5':[cyc(5,(0,1,2,3,4))],
         'S3':[cyc(5,(0,1,2)),cyc(5,(0,1),(3,4))] if G=='A5' else [cyc(5,(0,1,2)),cyc(5,(0,1))],
         'D5':[cyc(5,(0,1,2,3,4)),cyc(5,(1,4),(2,3))],'A4':[cyc(5,(0,1,2)),cyc(5,(0,1),(2,3))],
         'Z4':[cyc(5,(0,1,2,3))],'Z6':[cyc(5,(0,1,2),(3,4))],'D4':[cyc(5,(0,1,2,3)),cyc(5,(0,2))],
         'F20':[cyc(5,(0,1,2,3,4)),cyc(5,(1,2,4,3))],'S4':[cyc(5,(0,1,2,3)),cyc(5,(0,1))],'A5':[cyc(5,(0,1,2)),cyc(5,(0,1,2,3,4))]}
    gens=[cyc(5,(0,1,2)),cyc(5,(0,1,2,3,4))] if G=='A5' else [cyc(5,(0,1)),cyc(5,(0,1,2,3,4))]
elif G=='L27':
    n=8; INF=7
    def mob(a,b,c,d):
        p=[]
        for x in range(8):
            if x==INF: y=INF if c==0 else (a*pow(c,5,7))%7
            else:
                den=(c*x+d)%7
                y=INF if den==0 else ((a*x+b)*pow(den,5,7))%7
            p.append(y)
        return tuple(p)
    gens=[mob(1,1,0,1),mob(2,0,0,4),mob(0,6,1,0)]
    sub={'1':[],'Z2':[mob(0,6,1,0)],'Z3':[mob(2,0,0,4)],'Z7':[mob(1,1,0,1)],'F21':[mob(1,1,0,1),mob(2,0,0,4)],
         'S3':[mob(2,0,0,4),mob(0,6,1,0)], 'Z4':[mob(1,1,6,1)] }
    # V4, S4, A4 via stabilisers are found below by search if requested
elif G.startswith('AGL1'):
    p=int(G[4:]); n=p
    g=next(x for x in range(2,p) if len({pow(x,i,p) for i in range(p-1)})==p-1)
    gens=[tuple((x+1)%p for x in range(p)),tuple((g*x)%p for x in range(p))]
    def mul(a): return tuple((a*x)%p for x in range(p))
    sub={'1':[],'Zp':[gens[0]]}
    for d in range(1,p):
        if (p-1)%d==0: sub['Z%d'%d]=[mul(pow(g,(p-1)//d,p))]; sub['F%d'%(p*d)]=[gens[0],mul(pow(g,(p-1)//d,p))]
elif G=='D20':
    n=20
    gens=[tuple((x+1)%20 for x in range(20)),tuple((-x)%20 for x in range(20))]
    sub={'1':[],'R':[gens[1]],'R1':[tuple((1-x)%20 for x in range(20))]}
    for d in (2,4,5,10,20): sub['Z%d'%d]=[tuple((x+20//d)%20 for x in range(20))]
elif G[0] in 'CD' and G[1:].isdigit():
    n=int(G[1:])
    rot=tuple((x+1)%n for x in range(n)); ref=tuple((-x)%n for x in range(n))
    gens=[rot] if G[0]=='C' else [rot,ref]
    sub={'1':[]}
    for d in range(1,n+1):
        if n%d==0:
            sub['R%d'%d]=[tuple((x+n//d)%n for x in range(n))]
            if G[0]=='D':
                sub['DF%d'%d]=[tuple((x+n//d)%n for x in range(n)),ref]
                sub['DG%d'%d]=[tuple((x+n//d)%n for x in range(n)),tuple((1-x)%n for x in range(n))]
elif G.startswith('FR'):
    p,d=map(int,G[2:].split('_')); n=p
    g=next(x for x in range(2,p) if len({pow(x,i,p) for i in range(p-1)})==p-1)
    m=pow(g,(p-1)//d,p)
    gens=[tuple((x+1)%p for x in range(p)),tuple((m*x)%p for x in range(p))]
    sub={'1':[],'Zp':[gens[0]]}
    for e in range(1,d+1):
        if d%e==0:
            me=pow(m,d//e,p); sub['Z%d'%e]=[tuple((me*x)%p for x in range(p))]; sub['F%d'%e]=[gens[0],tuple((me*x)%p for x in range(p))]
else: raise SystemExit('unknown group')
Gel=sorted(close(gens,n))
if Hs==['LIST']:
    # print orbit-size combinations: near-cosets.py v k r GROUP LIST Fmax maxorbits
    Fmax=F; maxo=int(sys.argv[7]) if len(sys.argv)>7 else 4
    sizes={}
    for h in sub:
        sz=len(Gel)//len(close(sub[h],n))
        if sz not in sizes.values(): sizes[h]=sz   # one representative name per size (not per conjugacy class)
    names=sorted(sizes,key=lambda h:-sizes[h])
    def rec(i,rem,cur,F):
        if rem==0:
            if 0<len(cur)<=maxo: print(G,','.join(cur),F)
            return
        if i==len(names) or len(cur)>maxo: return
        h=names[i]; sz=sizes[h]
        for mm in range(rem//sz,-1,-1): rec(i+1,rem-mm*sz,cur+[h]*mm,F)
    for F in range(Fmax+1): rec(0,v-F,[],F)
    sys.exit(0)
points=[]; 
for hi,H in enumerate(Hs):
    Hel=close(sub[H],n)
    cos=[]; seen=set()
    for g in Gel:
        c=frozenset(comp(g,h) for h in Hel)
        if c not in seen: seen.add(c); cos.append(c)
    points+= [(hi,c) for c in cos]
N=len(points); assert N+F==v,(N,F,v)
idx={p:i for i,p in enumerate(points)}
print(v,k,r,len(gens))
for g in gens:
    out=[idx[(hi,frozenset(comp(g,x) for x in c))] for (hi,c) in points]+list(range(N,v))
    print(' '.join(map(str,out)))
print('|G|=%d orbits %s'%(len(Gel),[len(Gel)//len(close(sub[H],n)) for H in Hs]),file=sys.stderr)
